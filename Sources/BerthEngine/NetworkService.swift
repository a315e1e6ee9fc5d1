import BerthNetwork
import BerthOCI
import BerthSystem
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Networks: Docker's predefined `bridge`, `host` and `none`, and user-defined bridge networks.
/// Devices and firewall rules are made when a network is created (the default bridge: when
/// first used) and remade when found missing (after a reboot); containers' endpoints live in
/// `NetworkService+Endpoints.swift`.
public final class NetworkService: Sendable {
  let paths: Paths
  let store: MetadataStore

  init(paths: Paths, store: MetadataStore) {
    self.paths = paths
    self.store = store
  }

  /// The default bridge's device: `berth0` for the default data root, `berth` + a hash of the
  /// data root otherwise (so test sandboxes and other roots never share a device). Never docker0.
  var defaultBridgeName: String {
    if paths.dataRoot == "/var/lib/berth" { return "berth0" }
    var hash: UInt32 = 2_166_136_261
    for b in paths.dataRoot.utf8 { hash = (hash ^ UInt32(b)) &* 16_777_619 }
    return "berth" + String(hash, radix: 16)
  }

  /// Runs body holding the host-wide network lock (subnets and devices are host-wide, shared
  /// by every data root).
  func withHostLock<T>(_ body: () throws -> T) throws -> T {
    let fd = open("/run/berth-networks.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    if fd >= 0 { while flock(fd, LOCK_EX) < 0 && errno == EINTR {} }
    defer { if fd >= 0 { close(fd) } }
    return try body()
  }

  static func newID() -> String {
    Hex.randomID()
  }

  /// Inserts Docker's predefined networks if missing: `bridge` (a free subnet, Docker's
  /// 172.17.0.0/16 when the host has no route there), `host` and `none`. Names are not unique
  /// in the table (see `networks-ipv6net`): each is inserted only where missing, in the write
  /// that checks, under the host lock.
  func ensureDefaults() throws {
    let have = try store.read { db in
      try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM networks WHERE name = 'bridge'")
    }
    if have == 1 { return }
    try withHostLock {
      let subnet = try chooseSubnet()
      try store.write { db in
        let now = Timestamp.now()
        for (name, driver, bridge) in [
          ("bridge", "bridge", defaultBridgeName), ("host", "host", ""), ("none", "null", ""),
        ] {
          try db.execute(
            sql: """
              INSERT INTO networks (id, name, driver, bridge, subnet, gateway, created)
              SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM networks WHERE name = ?)
              """,
            arguments: [
              Self.newID(), name, driver, bridge, driver == "bridge" ? subnet.description : "",
              driver == "bridge" ? subnet.firstHost.description : "", now, name,
            ])
        }
      }
      // The device now, under the lock: its route is what keeps other roots off its subnet.
      try makeDevice(try get("bridge"))
    }
  }

  /// A subnet that collides with no host route and no network of this data root.
  func chooseSubnet() throws -> IPv4Subnet {
    let ours = try list().compactMap(\.subnet)
    guard let subnet = IPAM.chooseSubnet(taken: IPAM.hostRoutes() + ours) else {
      throw BerthError(
        .unavailable,
        "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")
    }
    return subnet
  }

  /// Every network, by name.
  public func list() throws -> [NetworkRecord] {
    try store.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM networks ORDER BY name").map(NetworkRecord.init(row:))
    }
  }

  /// Every network, with the predefined ones made first.
  public func listAll() throws -> [NetworkRecord] {
    try ensureDefaults()
    return try list()
  }

  /// Finds a network as dockerd does: by full id, then by name (several networks of that name
  /// are ambiguous), then by unique id prefix.
  public func get(_ ref: String) throws -> NetworkRecord {
    if ["bridge", "host", "none"].contains(ref) { try ensureDefaults() }
    let rows = try store.read { db -> [Row] in
      if let r = try Row.fetchOne(db, sql: "SELECT * FROM networks WHERE id = ?", arguments: [ref]) { return [r] }
      let named = try Row.fetchAll(db, sql: "SELECT * FROM networks WHERE name = ?", arguments: [ref])
      if !named.isEmpty { return named }
      guard !ref.isEmpty, ref.allSatisfy(\.isHexDigit) else { return [] }
      return try Row.fetchAll(db, sql: "SELECT * FROM networks WHERE id LIKE ?", arguments: [ref + "%"])
    }
    guard let row = rows.first else { throw BerthError.notFound("network \(ref) not found") }
    if rows.count > 1 {
      throw BerthError.invalid("network \(ref) is ambiguous (\(rows.count) matches found based on name)")
    }
    return NetworkRecord(row: row)
  }

  /// `network create`: a bridge network with its device and rules.
  public func create(
    name: String, driver: String = "bridge", subnet: String? = nil, gateway: String? = nil, isInternal: Bool = false,
    labels: [String: String] = [:], ipRange: String? = nil, auxAddresses: [String: String] = [:],
    options: NetworkCreateOptions = NetworkCreateOptions()
  ) throws -> NetworkRecord {
    guard driver == "bridge" else { throw BerthError.notFound("plugin \"\(driver)\" not found") }
    try options.validate()
    try ensureDefaults()
    if ["bridge", "host", "none"].contains(name) {
      throw BerthError(.forbidden, "operation is not permitted on predefined \(name) network ")
    }
    let ipv6 = try options.subnet6.map {
      try IPv6Config.validated(subnet: $0, gateway: options.gateway6, range: options.ipRange6)
    }
    if options.enableIPv6 && ipv6 == nil {
      throw BerthError(
        .unavailable,
        "could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network")
    }
    let id = Self.newID()
    try withHostLock {
      if options.checkDuplicate,
        try store.read({ db in
          try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM networks WHERE name = ?)", arguments: [name])
        }) == true
      {
        throw BerthError.conflict("network with name \(name) already exists")
      }
      let net: IPv4Subnet
      if let subnet {
        net = try IPv4Subnet(parsing: subnet)
        if try list().contains(where: { $0.subnet?.overlaps(net) == true }) {
          throw BerthError.conflict("Pool overlaps with other one on this address space")
        }
      } else {
        net = try chooseSubnet()
      }
      // Only pools in use collide: dockerd allocates an IPv6 pool with `--ipv6` only.
      if let ipv6, options.enableIPv6,
        try list().contains(where: { $0.activeIPv6?.subnet.overlaps(ipv6.subnet) == true })
      {
        throw BerthError.conflict("Pool overlaps with other one on this address space")
      }
      var gw = net.firstHost
      if let gateway {
        guard let g = IPv4Address(gateway), net.contains(g) else {
          throw BerthError.invalid("no matching subnet for gateway \(gateway)")
        }
        gw = g
      }
      var range: IPv4Subnet?
      if let ipRange {
        let r = try IPv4Subnet(parsing: ipRange)
        guard net.contains(r.network), net.contains(r.broadcast) else {
          throw BerthError.invalid("Invalid IP range \(ipRange): it does not belong to subnet \(net)")
        }
        range = r
      }
      for (key, value) in auxAddresses {
        guard let a = IPv4Address(value), net.contains(a) else {
          throw BerthError.invalid("invalid auxiliary address \(key)=\(value): it does not belong to subnet \(net)")
        }
      }
      let labelJSON = String(decoding: try JSONEncoder().encode(labels), as: UTF8.self)
      let auxJSON = String(decoding: try JSONEncoder().encode(auxAddresses), as: UTF8.self)
      try store.write { db in
        try db.execute(
          sql: """
            INSERT INTO networks (id, name, driver, bridge, subnet, gateway, internal, labels, created, ip_range,
              aux_addresses, enable_ipv6, subnet6, gateway6, ip_range6, attachable, ingress, scope)
            VALUES (?, ?, 'bridge', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            "\(id)", name, "br-" + id.prefix(12), net.description, gw.description, isInternal, labelJSON,
            Timestamp.now(), range?.description ?? "", auxJSON, options.enableIPv6, ipv6?.subnetText ?? "",
            ipv6?.gatewayText ?? "", ipv6?.rangeText ?? "", options.attachable, options.ingress, "local",
          ])
      }
      do {
        try makeDevice(try get(id))
      } catch {
        if let n = try? get(id) { tearDownDevice(n) }
        try? store.write { db in try db.execute(sql: "DELETE FROM networks WHERE id = ?", arguments: [id]) }
        throw error
      }
    }
    let network = try get(id)
    emit("create", network)
    return network
  }

  /// Appends a network event to the engine's events journal (`docker events`).
  func emit(_ action: String, _ network: NetworkRecord, container: String? = nil) {
    var attributes = ["name": network.name, "type": network.driver]
    if let container { attributes["container"] = container }
    EventJournal(paths: paths).emit(type: "network", action: action, id: network.id, attributes: attributes)
  }

  /// Makes the network's bridge, address and rules if the bridge is missing; returns its index.
  @discardableResult
  func setUpDevice(_ network: NetworkRecord) throws -> Int32 {
    if let index = Netlink.index(of: network.bridge) { return index }
    return try withHostLock { try makeDevice(network) }
  }

  /// Makes the bridge, its address and rules where missing; the caller holds the host lock.
  @discardableResult
  func makeDevice(_ network: NetworkRecord) throws -> Int32 {
    guard let subnet = network.subnet, let gateway = network.gateway else {
      throw BerthError.internal("network \(network.name) has no subnet")
    }
    let link = try Netlink()
    if Netlink.index(of: network.bridge) == nil {
      do { try link.createBridge(network.bridge) } catch let e as SystemError where e.errno == EEXIST {}
    }
    guard let index = Netlink.index(of: network.bridge) else {
      throw BerthError.internal("bridge \(network.bridge) vanished")
    }
    try link.addAddress(gateway, prefix: subnet.prefix, index: index, name: network.bridge)
    if let v6 = network.activeIPv6 {
      try Netlink.enableIPv6(on: network.bridge)
      Netlink.enableIPv6Forwarding()
      try link.addAddress(v6.gateway, prefix: v6.subnet.prefix, index: index, name: network.bridge)
    }
    try link.setUp(index: index, name: network.bridge)
    try Firewall.setUpNetwork(bridge: network.bridge, subnet: subnet, isInternal: network.internal)
    return index
  }

  /// `network rm`: refuses while containers run on it; removes rules, the device and the row.
  public func remove(_ ref: String) throws {
    let network = try get(ref)
    if ["bridge", "host", "none"].contains(network.name) {
      throw BerthError(.forbidden, "\(network.name) is a pre-defined network and cannot be removed")
    }
    let active = try store.read { db in
      try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM endpoints WHERE network_id = ?", arguments: [network.id]) ?? 0
    }
    if active > 0 {
      throw BerthError.conflict(
        "error while removing network: network \(network.name) id \(network.id) has active endpoints")
    }
    tearDownDevice(network)
    try store.write { db in try db.execute(sql: "DELETE FROM networks WHERE id = ?", arguments: [network.id]) }
    try? FileSystem.removeTree(networkRunDirectory(network.id))
    emit("destroy", network)
  }

  /// Removes a network's rules and bridge (for `network rm` and for tests' sandboxes).
  func tearDownDevice(_ network: NetworkRecord) {
    guard network.isBridge, let subnet = network.subnet else { return }
    stopDNS(network.id)
    Firewall.tearDownNetwork(bridge: network.bridge, subnet: subnet, isInternal: network.internal)
    try? Netlink().deleteLink(network.bridge)
  }

  /// `network prune`: removes user-defined networks without running containers; returns their names.
  public func prune() throws -> [String] {
    var removed: [String] = []
    for n in try list() where !["bridge", "host", "none"].contains(n.name) {
      if (try? remove(n.id)) != nil { removed.append(n.name) }
    }
    return removed
  }

  /// Removes every device and rule of this data root's networks (the default bridge included);
  /// the rows stay, and devices are remade on next use. For test sandboxes and uninstalls.
  public func tearDownAll() throws {
    for n in try list() { tearDownDevice(n) }
  }

  /// `execRoot/networks/<id>`: the DNS responder's hosts file and pid file.
  func networkRunDirectory(_ id: String) -> String { paths.execRoot + "/networks/" + id }
}
