import BerthNetwork
import BerthOCI
import BerthSystem
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Keeps Berth's firewall rules in step with its records when something else changed the
/// host's rules (a flush, a firewall reload, a reboot that kept the bridges): every command
/// asks the kernel for the ruleset generation (one netlink round trip); only when it moved
/// since the last check does it look for Berth's jumps in the built-in chains (three rule dumps
/// over netlink), and only when one is gone does it list the rules and put back what is
/// missing and remove what is stale (one iptables-save, at most one iptables-restore). Other
/// programs' rule changes that leave Berth's jumps alone (other engines, other data roots) so
/// cost well under a millisecond.
extension NetworkService {
  /// `execRoot/networks/firewall.gen`: the generation last found in order.
  var firewallStampFile: String { paths.execRoot + "/networks/firewall.gen" }

  /// Repairs the rules when the ruleset changed since the last check (cheap otherwise).
  public func repairFirewallIfChanged() throws {
    guard let generation = Firewall.rulesetGeneration() else { return }
    let stamp = (try? FileSystem.read(firewallStampFile)).map { String(decoding: $0, as: UTF8.self) }
    if stamp == String(generation) { return }
    if Firewall.jumpsPresent() != true { _ = try withHostLock { try repairFirewall() } }
    if let now = Firewall.rulesetGeneration() {
      try? FileSystem.makeDirectory(paths.execRoot + "/networks", mode: 0o711)
      try? FileSystem.writeAtomically(firewallStampFile, Array(String(now).utf8))
    }
  }

  /// Makes one change of Berth's own (a single iptables-restore: one generation step) without
  /// making the next command check everything: when the rules were in order just before and
  /// nobody else changed them meanwhile, the new generation is recorded as in order too.
  func withOwnRuleChange(_ change: () throws -> Void) rethrows {
    let before = Firewall.rulesetGeneration()
    try change()
    guard let before, let after = Firewall.rulesetGeneration(), after == before &+ 1 else { return }
    let stamp = (try? FileSystem.read(firewallStampFile)).map { String(decoding: $0, as: UTF8.self) }
    if stamp == String(before) { try? FileSystem.writeAtomically(firewallStampFile, Array(String(after).utf8)) }
  }

  /// Lists the rules and brings Berth's to what this data root's records say: every network
  /// whose bridge is up, every running container's published ports. Returns whether anything
  /// changed.
  @discardableResult
  public func repairFirewall() throws -> Bool {
    var expected = Firewall.Expected()
    for n in try list() where n.isBridge {
      guard let subnet = n.subnet, Netlink.index(of: n.bridge) != nil else { continue }
      expected.networks.append((n.bridge, subnet, n.internal))
    }
    let (rows, ids) = try store.read { db in
      (
        try Row.fetchAll(
          db,
          sql: """
            SELECT p.*, e.ip FROM port_bindings p JOIN endpoints e
            ON e.container_id = p.container_id AND e.interface = 'eth0'
            """),
        try String.fetchAll(db, sql: "SELECT id FROM containers")
      )
    }
    var byContainer: [String: (IPv4Address, [PortBinding])] = [:]
    for row in rows {
      guard let address = IPv4Address(row["ip"] as String) else { continue }
      let b = PortBinding(
        hostIP: row["host_ip"], hostPort: row["host_port"], containerPort: row["container_port"], proto: row["proto"])
      byContainer[String((row["container_id"] as String).prefix(12)), default: (address, [])].1.append(b)
    }
    expected.ports = byContainer.map { ($0.key, $0.value.0, $0.value.1) }
    expected.ownTags = Set(ids.map { String($0.prefix(12)) })
    return try Firewall.repair(expected)
  }
}
