import BerthNetwork
import BerthOCI
import BerthSystem
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// What a starting container gets on its networks: its endpoints (allocated and recorded) and
/// its published ports (host ports chosen and recorded). Made before the init is cloned;
/// plumbed between clone and go; released where the exit is recorded.
struct NetworkPlan: Sendable {
  var attachments: [(network: NetworkRecord, endpoint: EndpointRecord)]
  var ports: [PortBinding]
  var tag: String
}

extension NetworkService {
  /// The networks a container joins: its `--network` (the default bridge for `default`) first,
  /// then those `network connect` added. Empty for `none` and `host`.
  func networks(of c: ContainerRecord) throws -> [(NetworkRecord, [String])] {
    let mode = c.config.host.networkMode
    if mode == "none" || mode == "host" || mode.hasPrefix("container:") { return [] }
    let opts = c.config.host.networking ?? NetworkingOptions()
    let primary = try get(mode == "default" ? "bridge" : mode)
    guard primary.isBridge else { return [] }
    var out = [(primary, opts.aliases)]
    for (id, aliases) in opts.connected.sorted(by: { $0.key < $1.key }) where id != primary.id {
      if let n = try? get(id), n.isBridge { out.append((n, aliases)) }
    }
    return out
  }

  /// Allocates the container's addresses and host ports and makes sure its networks' devices
  /// exist. Nothing is plumbed yet. A failure leaves nothing allocated.
  func prepare(_ c: ContainerRecord, exposed: [String]) throws -> NetworkPlan? {
    try release(c.id)
    let nets = try networks(of: c)
    guard !nets.isEmpty else { return nil }
    for (n, _) in nets { try setUpDevice(n) }
    Trace.mark("networks found")
    let opts = c.config.host.networking ?? NetworkingOptions()
    var wanted = opts.ports
    if opts.publishAll {
      let given = Set(wanted.map(\.portKey))
      for key in exposed.sorted() where !given.contains(key) {
        let kv = key.split(separator: "/").map(String.init)
        if let port = Int(kv[0]) {
          wanted.append(PortBinding(hostPort: 0, containerPort: port, proto: kv.count > 1 ? kv[1] : "tcp"))
        }
      }
    }
    let owner = getpid()
    let ownerStart = Int64(Processes.startTime(of: owner) ?? 0)
    // A concurrent start may take the same address or port between our read and our insert
    // (the UNIQUE constraints catch it): allocate again, seeing its rows.
    var attempt = 0
    while true {
      attempt += 1
      do {
        defer { Trace.mark("endpoints allocated") }
        return try allocate(c, nets: nets, opts: opts, wanted: wanted, owner: owner, ownerStart: ownerStart)
      } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT && attempt < 5 {
        continue
      }
    }
  }

  func allocate(
    _ c: ContainerRecord, nets: [(NetworkRecord, [String])], opts: NetworkingOptions, wanted: [PortBinding],
    owner: Int32, ownerStart: Int64
  ) throws -> NetworkPlan {
    try store.write { db in
      var attachments: [(network: NetworkRecord, endpoint: EndpointRecord)] = []
      for (i, (n, aliases)) in nets.enumerated() {
        guard let subnet = n.subnet, let gateway = n.gateway else { continue }
        let settings = opts.endpoint(for: n)
        let address = try Self.endpointAddress(
          (i == 0 ? opts.ipv4 : nil) ?? settings?.ipv4Address, on: n, subnet: subnet, gateway: gateway, db: db)
        let address6 = try Self.endpointAddress6((i == 0 ? opts.ipv6 : nil) ?? settings?.ipv6Address, on: n, db: db)
        let names = [c.name, c.shortID] + aliases
        let mac = Self.macText(settings?.macAddress ?? (i == 0 ? opts.macAddress : nil), address: address)
        let veth = "veth" + c.id.prefix(9) + String(i)
        try db.execute(
          sql: """
            INSERT INTO endpoints (container_id, network_id, interface, host_veth, ip, ip6, mac, names, owner_pid,
              owner_start)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            c.id, n.id, "eth\(i)", veth, address.description, address6?.description ?? "", mac,
            names.joined(separator: " "), owner, ownerStart,
          ])
        let row = try Row.fetchOne(
          db, sql: "SELECT * FROM endpoints WHERE container_id = ? AND network_id = ?", arguments: [c.id, n.id])
        if let row { attachments.append((n, EndpointRecord(row: row))) }
      }
      var ports: [PortBinding] = []
      for var b in wanted {
        b.hostPort = try allocateHostPort(b, db: db, container: c)
        b.hostPortEnd = b.hostPort
        try db.execute(
          sql:
            "INSERT INTO port_bindings (container_id, host_ip, host_port, proto, container_port) VALUES (?, ?, ?, ?, ?)",
          arguments: [c.id, b.hostIP, b.hostPort, b.proto, b.containerPort])
        ports.append(b)
      }
      return NetworkPlan(attachments: attachments, ports: ports, tag: c.shortID)
    }
  }

  /// The IPv4 address an endpoint on n gets (inside the write that records it): the one asked
  /// for, which must be in the subnet, not the gateway and not taken; else the next free one in
  /// the network's range, skipping its auxiliary addresses.
  static func endpointAddress(
    _ asked: String?, on n: NetworkRecord, subnet: IPv4Subnet, gateway: IPv4Address, db: Database
  ) throws -> IPv4Address {
    let used = Set(
      try String.fetchAll(db, sql: "SELECT ip FROM endpoints WHERE network_id = ?", arguments: [n.id])
        .compactMap { IPv4Address($0) })
    if let text = asked, !text.isEmpty {
      guard let a = IPv4Address(text), subnet.contains(a), a != gateway else {
        throw BerthError.invalid("Invalid address \(text): It does not belong to any of this network's subnets")
      }
      if used.contains(a) { throw BerthError.conflict("Address already in use") }
      return a
    }
    guard let a = IPAM.nextFree(in: subnet, range: n.ipRange, gateway: gateway, used: used.union(n.reserved)) else {
      throw BerthError(.unavailable, "no available IPv4 addresses on this network's address pools: \(n.name) (\(n.id))")
    }
    return a
  }

  /// The IPv6 address an endpoint on n gets (inside the write that records it): none unless n
  /// was made with `--ipv6`; the one asked for, which must be in its IPv6 subnet, not its
  /// gateway and not taken; else the next free one in its IPv6 range.
  static func endpointAddress6(_ asked: String?, on n: NetworkRecord, db: Database) throws -> IPv6Address? {
    let asked = asked.flatMap { $0.isEmpty ? nil : $0 }
    if asked != nil && n.ipv6 == nil {
      throw BerthError.invalid(
        "user specified IP address is supported only when connecting to networks with user configured subnets")
    }
    guard let v6 = n.activeIPv6 else { return nil }
    let used = Set(
      try String.fetchAll(db, sql: "SELECT ip6 FROM endpoints WHERE network_id = ?", arguments: [n.id])
        .compactMap { IPv6Address($0) })
    if let text = asked {
      guard let a = IPv6Address(text), v6.subnet.contains(a), a != v6.gateway else {
        throw BerthError.invalid("Invalid address \(text): It does not belong to any of this network's subnets")
      }
      if used.contains(a) { throw BerthError.conflict("Address already in use") }
      return a
    }
    guard let a = IPAM.nextFree(in: v6.subnet, range: v6.range, gateway: v6.gateway, used: used) else {
      throw BerthError(.unavailable, "no available IPv6 addresses on this network's address pools: \(n.name) (\(n.id))")
    }
    return a
  }

  /// The MAC address an endpoint gets: the one asked for, or Docker's `02:42` + the IPv4 address.
  static func macText(_ asked: String?, address: IPv4Address) -> String {
    if let asked, let bytes = EndpointSettings.macBytes(asked) {
      return bytes.map { Hex.string([$0]) }.joined(separator: ":")
    }
    return address.dockerMAC.map { Hex.string([$0]) }.joined(separator: ":")
  }

  /// A host port for b: its own (or the first free of its range), or a free ephemeral one.
  func allocateHostPort(_ b: PortBinding, db: Database, container c: ContainerRecord) throws -> Int {
    let taken = Set(
      try Int.fetchAll(db, sql: "SELECT host_port FROM port_bindings WHERE proto = ?", arguments: [b.proto]))
    let endpoint = "driver failed programming external connectivity on endpoint \(c.name) (\(c.id))"
    if b.hostPort != 0 {
      for port in b.hostPort...max(b.hostPort, b.hostPortEnd) where !taken.contains(port) {
        if !HostPorts.isBusy(hostIP: b.hostIP, port: port, proto: b.proto) { return port }
        if b.hostPort == b.hostPortEnd {
          throw BerthError(
            .unavailable,
            "\(endpoint): Error starting userland proxy: listen \(b.proto)4 \(b.displayHostIP):\(port): bind: address already in use"
          )
        }
      }
      throw BerthError(
        .unavailable, "\(endpoint): Bind for \(b.displayHostIP):\(b.hostPort) failed: port is already allocated")
    }
    let range = HostPorts.ephemeralRange()
    let start = Int.random(in: range)
    for step in 0..<range.count {
      let port = range.lowerBound + (start - range.lowerBound + step) % range.count
      if !taken.contains(port) && !HostPorts.isBusy(hostIP: b.hostIP, port: port, proto: b.proto) { return port }
    }
    throw BerthError(.unavailable, "\(endpoint): no free host port for \(b.portKey)")
  }

  /// Between clone and go: the container's veths (peers made directly in its namespace),
  /// addresses, default route, published ports and the networks' DNS.
  func plumb(_ plan: NetworkPlan, pid: Int32, primary: Bool = true) throws {
    let link = try Netlink()
    for (i, a) in plan.attachments.enumerated() {
      guard let subnet = a.network.subnet, let gateway = a.network.gateway,
        let bridge = Netlink.index(of: a.network.bridge)
      else { throw BerthError.internal("network \(a.network.name) has no bridge") }
      let make = {
        try link.createVeth(
          hostName: a.endpoint.hostVeth, bridgeIndex: bridge, peerName: a.endpoint.interface, peerPID: pid,
          mac: EndpointSettings.macBytes(a.endpoint.mac) ?? a.endpoint.address.dockerMAC)
      }
      do {
        try make()
      } catch let e as SystemError where e.errno == EEXIST {
        // The previous run's veth, whose namespace the kernel has not finished destroying.
        try link.deleteLink(a.endpoint.hostVeth)
        try make()
      }
      Trace.mark("veth made")
      let (inside, index) = try Netlink.inNamespace(of: pid, interface: a.endpoint.interface)
      Trace.mark("netlink socket in the container")
      try inside.addAddress(a.endpoint.address, prefix: subnet.prefix, index: index, name: a.endpoint.interface)
      let v6 = a.network.activeIPv6
      if let v6, let address6 = a.endpoint.address6 {
        try inside.addAddress(address6, prefix: v6.subnet.prefix, index: index, name: a.endpoint.interface)
      }
      try inside.setUp(index: index, name: a.endpoint.interface)
      if primary && i == 0 && !a.network.internal {
        try inside.addDefaultRoute(via: gateway, index: index)
        if let v6, a.endpoint.address6 != nil { try inside.addDefaultRoute(via: v6.gateway, index: index) }
      }
      Trace.mark("address, link and route set")
    }
    Trace.mark("network plumbed")
    if let primary = plan.attachments.first, !plan.ports.isEmpty {
      try withOwnRuleChange {
        try Firewall.publish(tag: plan.tag, address: primary.endpoint.address, bindings: plan.ports)
      }
      Trace.mark("ports published")
      startProxy(plan)
    }
    for a in plan.attachments where !a.network.isDefaultBridge { try refreshDNS(a.network) }
  }

  /// Frees what a container held: its published-port rules, addresses and host ports; updates
  /// its networks' DNS. Its veths go with its network namespace when its last process exits
  /// (deleting them here would wait for an RCU grace period, ~15 ms, on every exit); `plumb`
  /// replaces one that is still being destroyed.
  func release(_ containerID: String) throws {
    let (endpoints, ports) = try store.read { db in
      (
        try Row.fetchAll(db, sql: "SELECT * FROM endpoints WHERE container_id = ?", arguments: [containerID])
          .map(EndpointRecord.init(row:)),
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM port_bindings WHERE container_id = ?", arguments: [containerID])
          ?? 0
      )
    }
    if endpoints.isEmpty && ports == 0 { return }
    if ports > 0 {
      withOwnRuleChange { Firewall.unpublish(tag: String(containerID.prefix(12))) }
      stopProxy(String(containerID.prefix(12)))
    }
    try store.write { db in
      try db.execute(sql: "DELETE FROM endpoints WHERE container_id = ?", arguments: [containerID])
      try db.execute(sql: "DELETE FROM port_bindings WHERE container_id = ?", arguments: [containerID])
    }
    for e in endpoints {
      if let n = try? get(e.networkID), !n.isDefaultBridge { try? refreshDNS(n) }
    }
  }

  /// Releases endpoints whose owner (the container's monitor or foreground CLI) died without
  /// releasing them (SIGKILL). One query when there is nothing to do.
  func releaseAbandoned() throws {
    let rows = try store.read { db in
      try Row.fetchAll(db, sql: "SELECT DISTINCT container_id, owner_pid, owner_start FROM endpoints")
    }
    for row in rows {
      let pid: Int32 = row["owner_pid"]
      if Processes.isAlive(pid: pid, startTime: UInt64(row["owner_start"] as Int64)) { continue }
      try release(row["container_id"])
    }
  }

  /// The container's published ports while it runs.
  public func ports(of containerID: String) throws -> [PortBinding] {
    try store.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM port_bindings WHERE container_id = ?", arguments: [containerID]).map {
        PortBinding(
          hostIP: $0["host_ip"], hostPort: $0["host_port"], containerPort: $0["container_port"], proto: $0["proto"])
      }
    }
  }

  /// The container's endpoints while it runs, with their networks.
  public func endpoints(of containerID: String) throws -> [(NetworkRecord, EndpointRecord)] {
    let rows = try store.read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM endpoints WHERE container_id = ? ORDER BY interface", arguments: [containerID]
      )
      .map(EndpointRecord.init(row:))
    }
    return rows.compactMap { e in (try? get(e.networkID)).map { ($0, e) } }
  }

  /// Every running endpoint on a network.
  public func endpoints(onNetwork id: String) throws -> [EndpointRecord] {
    try store.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM endpoints WHERE network_id = ?", arguments: [id]).map(
        EndpointRecord.init(row:))
    }
  }
}
