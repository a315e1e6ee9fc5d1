import BerthNetwork
import BerthOCI
import BerthSystem
import Foundation

/// Containers on networks: what `start` does before and after the clone, what the exit paths
/// release, and the container's /etc/hosts and /etc/resolv.conf.
extension ContainerService {
  /// The networks service on the same roots.
  var networks: NetworkService { NetworkService(paths: paths, store: store) }

  /// Allocates the container's endpoints and ports and writes its hosts and resolv.conf. On
  /// failure nothing stays allocated.
  func prepareNetwork(_ c: ContainerRecord) throws -> NetworkPlan? {
    do {
      let plan = try networks.prepare(c, exposed: Array((c.config.config.exposedPorts ?? [:]).keys))
      try writeNetworkFiles(c, plan: plan)
      Trace.mark("network prepared")
      return plan
    } catch {
      releaseNetwork(c.id)
      throw error
    }
  }

  /// Frees the container's endpoints, ports and rules (never throws: exit paths call it).
  func releaseNetwork(_ id: String) {
    do { try networks.release(id) } catch { Trace.mark("network release failed: \(error)") }
  }

  /// /etc/hosts (localhost, the container's own address and hostname, links, `--add-host`) and
  /// /etc/resolv.conf (the network's DNS on user-defined networks; the host's resolvers, or
  /// `--dns`, elsewhere).
  func writeNetworkFiles(_ c: ContainerRecord, plan: NetworkPlan?) throws {
    let opts = c.config.host.networking ?? NetworkingOptions()
    let dir = paths.container(c.id)
    let hostname = c.config.config.hostname ?? c.shortID
    var hosts = Self.baseHosts
    for link in opts.links {
      let parts = link.split(separator: ":", maxSplits: 1).map(String.init)
      guard let target = try? get(parts[0]), let e = try? networks.endpoints(of: target.id).first else { continue }
      let alias = parts.count > 1 ? parts[1] : parts[0]
      hosts += "\(e.1.address)\t\(alias) \(target.shortID) \(target.name)\n"
    }
    for entry in opts.extraHosts {
      let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { continue }
      // `host-gateway`: the host's address on the default bridge, as Docker's default.
      let address = parts[1] == "host-gateway" ? (try? networks.get("bridge").gateway?.description) ?? "" : parts[1]
      hosts += "\(address)\t\(parts[0])\n"
    }
    if let primary = plan?.attachments.first {
      hosts += "\(primary.endpoint.address)\t\(hostname)\n"
      if let address6 = primary.endpoint.address6 { hosts += "\(address6)\t\(hostname)\n" }
    }
    try FileSystem.write(dir + "/hosts", Array(hosts.utf8))

    // The embedded DNS listens on the network's gateway rather than Docker's 127.0.0.11: it is
    // one responder per network on the host side, with no listener inside each container.
    let embedded = plan?.attachments.first.flatMap { $0.network.isDefaultBridge ? nil : $0.network.gateway }
    let resolv = ResolvConf.applying(
      to: ResolvConf.forContainer(), embeddedDNS: embedded?.description, dns: opts.dns, search: opts.dnsSearch,
      options: opts.dnsOptions)
    try FileSystem.write(dir + "/resolv.conf", Array(resolv.utf8))
  }

  /// The PORTS column of `ps`: while running, published ports and the other exposed ones;
  /// empty otherwise (as Docker, whose stopped containers have no port map).
  public func portsColumn(_ c: ContainerRecord) -> String {
    guard c.state == .running || c.state == .paused else { return "" }
    let exposed = Array((c.config.config.exposedPorts ?? [:]).keys)
    return PortBinding.render(bindings: (try? networks.reportedPorts(of: c.id)) ?? [], exposed: exposed)
  }

  /// `port CONTAINER [PRIVATE_PORT[/PROTO]]`: the published ports.
  public func publishedPorts(_ ref: String) throws -> (ContainerRecord, [PortBinding]) {
    let c = try get(ref)
    guard c.state == .running else { return (c, []) }
    return (c, try networks.reportedPorts(of: c.id))
  }

  /// Adds a container to a network (`network connect`): a running one gets its interface now.
  public func connect(
    _ ref: String, network: String, aliases: [String], endpoint: EndpointSettings = EndpointSettings()
  ) throws {
    try endpoint.validate()
    let c = try get(ref)
    let n = try networks.get(network)
    guard n.isBridge else {
      throw BerthError(.forbidden, "container cannot be disconnected from host network or connected to host network")
    }
    var settings = c.config
    var opts = settings.host.networking ?? NetworkingOptions()
    let primary = settings.host.networkMode == "default" ? "bridge" : settings.host.networkMode
    if primary == n.name || primary == n.id || opts.connected[n.id] != nil {
      throw BerthError(.forbidden, "endpoint with name \(c.name) already exists in network \(n.name)")
    }
    let becomesPrimary = primary == "none" && opts.primaryDisconnected == true
    if becomesPrimary {
      // Off every network since `network disconnect`: this one becomes its network, as in Docker.
      settings.host.networkMode = n.name
      opts.primaryDisconnected = nil
      opts.aliases = aliases
      opts.ipv4 = endpoint.ipv4Address.flatMap { $0.isEmpty ? nil : $0 }
      opts.ipv6 = endpoint.ipv6Address.flatMap { $0.isEmpty ? nil : $0 }
      opts.links += endpoint.links ?? []
    } else if ["none", "host"].contains(primary) || settings.host.networkContainer != nil {
      throw BerthError(
        .forbidden,
        "container sharing network namespace with another container or host cannot be connected to any other network")
    } else {
      opts.connected[n.id] = aliases
    }
    opts.endpoints?.removeValue(forKey: n.name)
    opts.endpoints?.removeValue(forKey: n.id)
    if !endpoint.isEmpty { opts.endpoints = (opts.endpoints ?? [:]).merging([n.id: endpoint]) { $1 } }
    settings.host.networking = opts
    try save(c.id, settings)
    if c.state == .running && Processes.isAlive(pid: c.pid, startTime: c.pidStart) {
      do {
        try networks.attach(c, to: n, aliases: aliases, endpoint: endpoint, primary: becomesPrimary)
      } catch {
        try save(c.id, c.config)
        throw error
      }
    }
    networks.emit("connect", n, container: c.id)
  }

  /// Removes a container from a network (`network disconnect`): a running one loses its interface now.
  public func disconnect(_ ref: String, network: String) throws {
    let c = try get(ref)
    let n = try networks.get(network)
    var settings = c.config
    var opts = settings.host.networking ?? NetworkingOptions()
    let primary = settings.host.networkMode == "default" ? "bridge" : settings.host.networkMode
    if opts.connected.removeValue(forKey: n.id) == nil {
      guard primary == n.name || primary == n.id else {
        throw BerthError(.forbidden, "container \(c.id) is not connected to network \(n.name)")
      }
      settings.host.networkMode = "none"
      opts.primaryDisconnected = true
      opts.aliases = []
      opts.ipv4 = nil
      opts.ipv6 = nil
    }
    opts.endpoints?.removeValue(forKey: n.name)
    opts.endpoints?.removeValue(forKey: n.id)
    settings.host.networking = opts
    try save(c.id, settings)
    if c.state == .running { try networks.detach(c, from: n) }
    networks.emit("disconnect", n, container: c.id)
  }

  func save(_ id: String, _ settings: ContainerSettings) throws {
    let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
    try store.write { db in
      try db.execute(sql: "UPDATE containers SET config = ? WHERE id = ?", arguments: [json, id])
    }
  }
}

extension ContainerService {
  /// Checks `--network` and the options that depend on it at create time, and adds `--expose`d
  /// ports to the config, as Docker does.
  func validateNetworking(_ host: inout HostSettings, config: inout ContainerConfig, hostnameGiven: Bool = false) throws
  {
    let mode = host.networkMode
    let opts = host.networking ?? NetworkingOptions()
    switch mode {
    case "default", "bridge", "none", "host": break
    default:
      if host.networkContainer != nil {
        return try validateSharedNetwork(&host, config: &config, hostnameGiven: hostnameGiven)
      }
      _ = try networks.get(mode)
    }
    let userDefined = !["default", "bridge", "none", "host"].contains(mode)
    if !userDefined && !opts.aliases.isEmpty {
      throw BerthError.invalid("network-scoped alias is supported only for containers in user defined networks")
    }
    if !userDefined && (opts.ipv4 != nil || opts.ipv6 != nil) {
      throw BerthError.invalid("user specified IP address is supported on user defined networks only")
    }
    // Docker ignores published ports with the host's network; with none they are an error.
    if mode == "none" && (!opts.ports.isEmpty || opts.publishAll) {
      throw BerthError.invalid("conflicting options: port publishing and the container type network mode")
    }
    if !opts.expose.isEmpty {
      var exposed = config.exposedPorts ?? [:]
      for spec in opts.expose {
        for key in try PortBinding.exposedKeys(spec) { exposed[key] = EmptyObject() }
      }
      config.exposedPorts = exposed
    }
    for b in opts.ports where config.exposedPorts?[b.portKey] == nil {
      config.exposedPorts = (config.exposedPorts ?? [:]).merging([b.portKey: EmptyObject()]) { a, _ in a }
    }
  }
}
