import BerthOCI
import BerthSystem

/// Berth's iptables rules, only ever in its own chains:
///
/// | table | chain | hooked from | holds |
/// | --- | --- | --- | --- |
/// | nat | `BERTH` | PREROUTING, OUTPUT (local destinations) | DNAT of published ports, per container |
/// | nat | `BERTH-POSTROUTING` | POSTROUTING | MASQUERADE of each network's subnet, and of localhost → container |
/// | filter | `BERTH-FORWARD` | FORWARD (first) | per network: accept its traffic |
/// | filter | `BERTH-ISOLATION-1`, `-2` | BERTH-FORWARD | drops between networks; internal networks |
///
/// Per-network rules are set once when the network is set up (exec'ing iptables is fine there);
/// a container's published ports are one `iptables-restore --noflush` at start, each rule tagged
/// with a `berth:<short id>` comment so they can be found and removed later.
public enum Firewall {
  /// One rule: table, chain, the rule's arguments, and whether it goes first.
  public struct Rule: Equatable, Sendable {
    public var table: String
    public var chain: String
    public var spec: [String]
    public var first = false
  }

  /// Berth's chains and the jumps into them.
  static let chains: [(String, String)] = [
    ("nat", "BERTH"), ("nat", "BERTH-POSTROUTING"), ("filter", "BERTH-FORWARD"),
    ("filter", "BERTH-ISOLATION-1"), ("filter", "BERTH-ISOLATION-2"),
  ]
  static let jumps: [Rule] = [
    Rule(table: "nat", chain: "PREROUTING", spec: ["-m", "addrtype", "--dst-type", "LOCAL", "-j", "BERTH"]),
    Rule(table: "nat", chain: "OUTPUT", spec: ["-m", "addrtype", "--dst-type", "LOCAL", "-j", "BERTH"]),
    Rule(table: "nat", chain: "POSTROUTING", spec: ["-j", "BERTH-POSTROUTING"]),
    Rule(table: "filter", chain: "FORWARD", spec: ["-j", "BERTH-FORWARD"], first: true),
    Rule(table: "filter", chain: "BERTH-FORWARD", spec: ["-j", "BERTH-ISOLATION-1"], first: true),
  ]

  /// The rules of one bridge network (pure).
  public static func networkRules(bridge: String, subnet: IPv4Subnet, isInternal: Bool) -> [Rule] {
    let s = subnet.description
    var rules = [
      Rule(table: "nat", chain: "BERTH-POSTROUTING", spec: ["-s", "127.0.0.0/8", "-o", bridge, "-j", "MASQUERADE"]),
      Rule(
        table: "filter", chain: "BERTH-FORWARD",
        spec: ["-o", bridge, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"]),
      Rule(table: "filter", chain: "BERTH-FORWARD", spec: ["-i", bridge, "-o", bridge, "-j", "ACCEPT"]),
      Rule(table: "filter", chain: "BERTH-ISOLATION-2", spec: ["-o", bridge, "-j", "DROP"]),
    ]
    if isInternal {
      rules += [
        Rule(table: "filter", chain: "BERTH-ISOLATION-1", spec: ["!", "-s", s, "-o", bridge, "-j", "DROP"]),
        Rule(table: "filter", chain: "BERTH-ISOLATION-1", spec: ["-i", bridge, "!", "-d", s, "-j", "DROP"]),
      ]
    } else {
      rules += [
        Rule(table: "nat", chain: "BERTH-POSTROUTING", spec: ["-s", s, "!", "-o", bridge, "-j", "MASQUERADE"]),
        Rule(
          table: "filter", chain: "BERTH-FORWARD",
          spec: ["-o", bridge, "-m", "conntrack", "--ctstate", "DNAT", "-j", "ACCEPT"]),
        Rule(table: "filter", chain: "BERTH-FORWARD", spec: ["-i", bridge, "!", "-o", bridge, "-j", "ACCEPT"]),
        Rule(
          table: "filter", chain: "BERTH-ISOLATION-1",
          spec: ["-i", bridge, "!", "-o", bridge, "-j", "BERTH-ISOLATION-2"]),
      ]
    }
    return rules
  }

  /// Makes Berth's chains and jumps if missing, adds the network's rules that are missing, turns
  /// on forwarding and lets the bridge carry NATed loopback traffic (`curl localhost:PORT`).
  public static func setUpNetwork(bridge: String, subnet: IPv4Subnet, isInternal: Bool) throws {
    for (table, chain) in chains { _ = iptables(["-t", table, "-N", chain]) }
    for rule in jumps + networkRules(bridge: bridge, subnet: subnet, isInternal: isInternal) { try ensure(rule) }
    try? FileSystem.write("/proc/sys/net/ipv4/ip_forward", Array("1\n".utf8))
    try? FileSystem.write("/proc/sys/net/ipv4/conf/\(bridge)/route_localnet", Array("1\n".utf8))
  }

  /// Removes the network's rules (missing ones are ignored); Berth's chains stay.
  public static func tearDownNetwork(bridge: String, subnet: IPv4Subnet, isInternal: Bool) {
    for rule in networkRules(bridge: bridge, subnet: subnet, isInternal: isInternal) {
      _ = iptables(["-t", rule.table, "-D", rule.chain] + rule.spec)
    }
  }

  static func ensure(_ rule: Rule) throws {
    if iptables(["-t", rule.table, "-C", rule.chain] + rule.spec).status == 0 { return }
    let add = rule.first ? ["-I", rule.chain, "1"] : ["-A", rule.chain]
    let r = iptables(["-t", rule.table] + add + rule.spec)
    if r.status != 0 {
      throw BerthError.internal(
        "iptables \(([rule.table, rule.chain] + rule.spec).joined(separator: " ")): \(r.output)")
    }
  }

  /// The DNAT rules of a container's published ports (pure): `iptables-restore` lines.
  /// IPv6 host addresses have no rule: the container is reached there through `PortProxy`.
  public static func portRules(tag: String, address: IPv4Address, bindings: [PortBinding]) -> [String] {
    bindings.filter { !$0.hostIP.contains(":") }.map { b in
      var words = ["-A", "BERTH"]
      if !b.hostIP.isEmpty && b.hostIP != "0.0.0.0" { words += ["-d", b.hostIP + "/32"] }
      words += ["-p", b.proto, "-m", b.proto, "--dport", String(b.hostPort)]
      words += ["-m", "comment", "--comment", "berth:\(tag)", "-j", "DNAT", "--to-destination"]
      words.append("\(address):\(b.containerPort)")
      return words.joined(separator: " ")
    }
  }

  /// Publishes ports with one `iptables-restore --noflush`.
  public static func publish(tag: String, address: IPv4Address, bindings: [PortBinding]) throws {
    guard bindings.contains(where: { !$0.hostIP.contains(":") }) else { return }
    let text =
      "*nat\n" + portRules(tag: tag, address: address, bindings: bindings).joined(separator: "\n") + "\nCOMMIT\n"
    let r = HostCommand.run(["iptables-restore", "-w", "--noflush"], input: text)
    if r.status != 0 { throw BerthError.internal("iptables-restore: \(r.output)") }
  }

  /// Removes every rule tagged for a container (listing the chain, then one restore).
  public static func unpublish(tag: String) {
    let listing = iptables(["-t", "nat", "-S", "BERTH"])
    guard listing.status == 0 else { return }
    let lines = listing.output.split(separator: "\n").filter {
      $0.hasPrefix("-A BERTH ") && $0.contains("berth:\(tag)")
    }
    guard !lines.isEmpty else { return }
    let text = "*nat\n" + lines.map { "-D" + $0.dropFirst(2) }.joined(separator: "\n") + "\nCOMMIT\n"
    _ = HostCommand.run(["iptables-restore", "-w", "--noflush"], input: text)
  }

  /// The container tags that have rules in the `BERTH` chain.
  public static func taggedContainers() -> Set<String> {
    let listing = iptables(["-t", "nat", "-S", "BERTH"])
    var tags = Set<String>()
    for line in listing.output.split(separator: "\n") {
      guard let range = line.range(of: "berth:") else { continue }
      tags.insert(String(line[range.upperBound...].prefix { $0.isHexDigit }))
    }
    return tags
  }

  static func iptables(_ args: [String]) -> (status: Int32, output: String) {
    HostCommand.run(["iptables", "-w"] + args)
  }
}
