import BerthNetwork
import BerthOCI
import BerthSystem
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// `network connect` and `disconnect` on a running container: an endpoint added to (or taken
/// from) its live network namespace, as Docker does.
extension NetworkService {
  /// Gives the running container (init pid) an interface on network, with the next free
  /// `ethN`, owned by the container's monitor.
  func attach(
    _ c: ContainerRecord, to n: NetworkRecord, aliases: [String], endpoint: EndpointSettings? = nil,
    primary: Bool = false
  ) throws {
    guard let subnet = n.subnet, let gateway = n.gateway else { return }
    try setUpDevice(n)
    let endpoint: EndpointRecord = try store.write { db in
      let taken = Set(
        try String.fetchAll(db, sql: "SELECT interface FROM endpoints WHERE container_id = ?", arguments: [c.id]))
      let slot = (0...).first { !taken.contains("eth\($0)") } ?? 0
      let address = try Self.endpointAddress(endpoint?.ipv4Address, on: n, subnet: subnet, gateway: gateway, db: db)
      let address6 = try Self.endpointAddress6(endpoint?.ipv6Address, on: n, db: db)
      let mac = Self.macText(endpoint?.macAddress, address: address)
      try db.execute(
        sql: """
          INSERT INTO endpoints (container_id, network_id, interface, host_veth, ip, ip6, mac, names, owner_pid,
            owner_start)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          c.id, n.id, "eth\(slot)", "veth" + c.id.prefix(9) + String(slot), address.description,
          address6?.description ?? "", mac, ([c.name, c.shortID] + aliases).joined(separator: " "), c.monitorPID,
          Int64(c.monitorStart),
        ])
      guard
        let row = try Row.fetchOne(
          db, sql: "SELECT * FROM endpoints WHERE container_id = ? AND network_id = ?", arguments: [c.id, n.id])
      else { throw BerthError.internal("endpoint of \(c.name) on \(n.name) vanished") }
      return EndpointRecord(row: row)
    }
    do {
      let plan = NetworkPlan(attachments: [(n, endpoint)], ports: [], tag: c.shortID)
      try plumb(plan, pid: c.pid, primary: primary)
    } catch {
      try? detach(c, from: n)
      throw error
    }
  }

  /// Takes the running container's interface on network away.
  func detach(_ c: ContainerRecord, from n: NetworkRecord) throws {
    let veth = try store.read { db in
      try String.fetchOne(
        db, sql: "SELECT host_veth FROM endpoints WHERE container_id = ? AND network_id = ?", arguments: [c.id, n.id])
    }
    guard let veth else { return }
    try Netlink().deleteLink(veth)
    try store.write { db in
      try db.execute(
        sql: "DELETE FROM endpoints WHERE container_id = ? AND network_id = ?", arguments: [c.id, n.id])
    }
    if !n.isDefaultBridge { try refreshDNS(n) }
  }
}
