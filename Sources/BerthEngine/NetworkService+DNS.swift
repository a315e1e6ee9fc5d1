import BerthNetwork
import BerthOCI
import BerthSystem
import CBerth
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// The embedded DNS of user-defined networks: one `berth __dns NETWORK` process per network
/// with running containers (started with the first, stopped with the last), answering the
/// names in `execRoot/networks/<id>/hosts`, which is rewritten whenever a container joins or
/// leaves.
extension NetworkService {
  func dnsHostsFile(_ id: String) -> String { networkRunDirectory(id) + "/hosts" }
  func dnsPidFile(_ id: String) -> String { networkRunDirectory(id) + "/dns.pid" }

  /// Rewrites the network's names and starts or stops its responder to match.
  func refreshDNS(_ network: NetworkRecord) throws {
    let endpoints = try endpoints(onNetwork: network.id)
    if endpoints.isEmpty {
      stopDNS(network.id)
      return
    }
    try FileSystem.makeDirectory(networkRunDirectory(network.id), mode: 0o711)
    var text = endpoints.map { "\($0.address) \($0.names.joined(separator: " "))\n" }.joined()
    for e in endpoints { if let v6 = e.address6 { text += "\(v6) \(e.names.joined(separator: " "))\n" } }
    let servers = try dnsServers(of: Set(endpoints.map(\.containerID)))
    for e in endpoints {
      if let list = servers[e.containerID] { text += "@upstream \(e.address) \(list.joined(separator: " "))\n" }
    }
    let links = try dnsLinks(of: Set(endpoints.map(\.containerID)), on: network)
    for e in endpoints {
      for (alias, target) in links[e.containerID] ?? [] { text += "@link \(e.address) \(alias) \(target)\n" }
    }
    try FileSystem.writeAtomically(dnsHostsFile(network.id), Array(text.utf8))
    try ensureDNS(network)
  }

  /// The legacy links (`--link target:alias`, an endpoint's `Links`) of those containers on
  /// network: container → (alias, target name).
  func dnsLinks(of containers: Set<String>, on network: NetworkRecord) throws -> [String: [(String, String)]] {
    guard !containers.isEmpty, !network.isDefaultBridge else { return [:] }
    let rows = try store.read { db in
      try Row.fetchAll(
        db,
        sql: "SELECT id, config FROM containers WHERE id IN (\(containers.map { _ in "?" }.joined(separator: ",")))",
        arguments: StatementArguments(Array(containers)))
    }
    var out: [String: [(String, String)]] = [:]
    for row in rows {
      let json: String = row["config"]
      // Most containers have no links: skip decoding their settings.
      guard json.contains("\"links\":[\"") else { continue }
      guard let settings = try? JSONDecoder().decode(ContainerSettings.self, from: Data(json.utf8)),
        let opts = settings.host.networking
      else { continue }
      for link in opts.links + (opts.endpoint(for: network)?.links ?? []) {
        let parts = link.split(separator: ":", maxSplits: 1).map(String.init)
        let target = parts[0].hasPrefix("/") ? String(parts[0].dropFirst()) : parts[0]
        let alias = parts.count > 1 ? String(parts[1].split(separator: "/").last ?? "") : target
        guard !alias.isEmpty, !alias.contains(" "), !target.contains(" ") else { continue }
        out[row["id"], default: []].append((alias, target))
      }
    }
    return out
  }

  /// The `--dns` servers (IPv4) of those containers that have some: the embedded DNS forwards
  /// their questions there instead of to the host's resolvers, as Docker's does.
  func dnsServers(of containers: Set<String>) throws -> [String: [String]] {
    guard !containers.isEmpty else { return [:] }
    let rows = try store.read { db in
      try Row.fetchAll(
        db,
        sql: "SELECT id, config FROM containers WHERE id IN (\(containers.map { _ in "?" }.joined(separator: ",")))",
        arguments: StatementArguments(Array(containers)))
    }
    var out: [String: [String]] = [:]
    for row in rows {
      let json: String = row["config"]
      // Most containers have no --dns: skip decoding their settings.
      guard json.contains("\"dns\":[\"") else { continue }
      let settings = try? JSONDecoder().decode(ContainerSettings.self, from: Data(json.utf8))
      let servers = (settings?.host.networking?.dns ?? []).filter { IPv4Address($0) != nil }
      if !servers.isEmpty { out[row["id"]] = servers }
    }
    return out
  }

  /// After `rename`: the container's endpoints answer to the new name, and its networks' DNS
  /// follows at once.
  func renamed(_ containerID: String, from old: String, to new: String) throws {
    let endpoints = try store.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM endpoints WHERE container_id = ?", arguments: [containerID])
        .map(EndpointRecord.init(row:))
    }
    guard !endpoints.isEmpty else { return }
    try store.write { db in
      for e in endpoints {
        let names = e.names.map { $0 == old ? new : $0 }
        try db.execute(
          sql: "UPDATE endpoints SET names = ? WHERE container_id = ? AND network_id = ?",
          arguments: [names.joined(separator: " "), containerID, e.networkID])
      }
    }
    for e in endpoints {
      if let n = try? get(e.networkID), !n.isDefaultBridge { try refreshDNS(n) }
    }
  }

  func dnsProcess(_ id: String) -> (Int32, UInt64)? {
    guard let bytes = try? FileSystem.read(dnsPidFile(id)) else { return nil }
    let f = String(decoding: bytes, as: UTF8.self).split(separator: " ")
    guard f.count == 2, let pid = Int32(f[0]), let start = UInt64(f[1]) else { return nil }
    return Processes.isAlive(pid: pid, startTime: start) ? (pid, start) : nil
  }

  /// Starts the network's responder unless it runs; returns once it listens.
  func ensureDNS(_ network: NetworkRecord) throws {
    if dnsProcess(network.id) != nil { return }
    let (_, text) = try HelperProcess.spawn(
      ["--data-root", paths.dataRoot, "--exec-root", paths.execRoot, "__dns", network.id])
    // Another start may have won the race for the address: that responder serves.
    if text != "ok" && dnsProcess(network.id) == nil {
      throw BerthError.internal("the DNS responder of network \(network.name) failed: \(text)")
    }
  }

  /// Stops the network's responder and removes its files.
  func stopDNS(_ id: String) {
    if let (pid, _) = dnsProcess(id) {
      kill(pid, SIGTERM)
      _ = berth_wait_exit(pid, 2000)
    }
    unlink(dnsPidFile(id))
    unlink(dnsHostsFile(id))
  }

  /// In `berth __dns NETWORK`: binds the gateway's port 53, records its pid, reports on
  /// reportFd, and serves until its hosts file goes away.
  public func serveDNS(_ ref: String, reportFd: Int32) throws {
    do {
      let network = try get(ref)
      guard let gateway = network.gateway else { throw BerthError.invalid("network \(network.name) has no gateway") }
      let responder = DNSResponder(
        listen: gateway, hostsFile: dnsHostsFile(network.id), upstreams: Self.hostResolvers())
      let fd = try responder.bind()
      let me = getpid()
      try FileSystem.writeAtomically(dnsPidFile(network.id), Array("\(me) \(Processes.startTime(of: me) ?? 0)".utf8))
      MonitorReport.send("ok", to: reportFd)
      let hosts = dnsHostsFile(network.id)
      try responder.serve(fd) { !FileSystem.exists(hosts) }
    } catch {
      MonitorReport.send("\(error)", to: reportFd)
      throw error
    }
  }

  /// The host's IPv4 resolvers (loopback ones included: the responder runs on the host).
  static func hostResolvers(_ path: String = "/etc/resolv.conf") -> [IPv4Address] {
    let text = (try? FileSystem.read(path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    let servers = text.split(separator: "\n").compactMap { line -> IPv4Address? in
      let w = line.split(separator: " ", omittingEmptySubsequences: true)
      return w.count > 1 && w[0] == "nameserver" ? IPv4Address(w[1]) : nil
    }
    return servers.isEmpty ? [IPv4Address("8.8.8.8")].compactMap { $0 } : servers
  }
}
