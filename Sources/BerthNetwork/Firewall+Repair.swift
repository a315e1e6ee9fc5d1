import BerthOCI
import BerthSystem

/// Putting Berth's rules back after someone else removed them (`iptables -F`, `-X`, a reboot
/// that kept no rules, a firewall reload) and taking away Berth's rules that outlived their
/// bridge or container. Only Berth's chains and its jumps into them are ever touched.
extension Firewall {
  /// What should exist: the networks whose bridge is up, the published ports of running
  /// containers (by tag), and the tags of this data root's containers (so stale port rules of
  /// this root can be told from other roots' rules, which are left alone).
  public struct Expected: Sendable {
    public var networks: [(bridge: String, subnet: IPv4Subnet, isInternal: Bool)] = []
    public var ports: [(tag: String, address: IPv4Address, bindings: [PortBinding])] = []
    public var ownTags: Set<String> = []
    /// Network devices that exist on the host (rules of any other `berth*`/`br-*` are stale);
    /// `repair` lists them after the rules, so a bridge made meanwhile is never taken for stale.
    public var liveDevices: Set<String> = []
    /// Nothing expected.
    public init() {}
  }

  /// A rule's identity regardless of how iptables-save orders and quotes its words.
  static func key(table: String, chain: String, words: some Sequence<Substring>) -> String {
    table + " " + chain + " " + words.map { $0.filter { $0 != "\"" } }.sorted().joined(separator: " ")
  }

  /// The `iptables-restore --noflush` script that brings an `iptables-save` listing to what is
  /// expected; nil when nothing is missing or stale (pure).
  public static func repairScript(listing: String, expected: Expected) -> String? {
    var table = ""
    var chainsPresent = Set<String>()
    var present = Set<String>()
    var stale: [String: [String]] = [:]  // table → "-D …" lines
    var taggedPresent = Set<String>()
    for line in listing.split(separator: "\n") {
      if line.hasPrefix("*") {
        table = String(line.dropFirst())
      } else if line.hasPrefix(":") {
        chainsPresent.insert(table + " " + (line.dropFirst().split(separator: " ").first ?? ""))
      } else if line.hasPrefix("-A ") {
        let words = line.split(separator: " ")
        guard words.count > 2 else { continue }
        let chain = String(words[1])
        present.insert(key(table: table, chain: chain, words: words.dropFirst(2)))
        guard chain.hasPrefix("BERTH") else { continue }
        if let tag = line.range(of: "berth:").map({ String(line[$0.upperBound...].prefix { $0.isHexDigit }) }) {
          taggedPresent.insert(tag)
          if expected.ownTags.contains(tag) && !expected.ports.contains(where: { $0.tag == tag }) {
            stale[table, default: []].append("-D" + line.dropFirst(2))
          }
          continue
        }
        let devices = zip(words, words.dropFirst()).filter { $0.0 == "-i" || $0.0 == "-o" }.map { String($0.1) }
        if devices.contains(where: {
          ($0.hasPrefix("berth") || $0.hasPrefix("br-")) && !expected.liveDevices.contains($0)
        }) {
          stale[table, default: []].append("-D" + line.dropFirst(2))
        }
      }
    }
    var missingChains: [String: [String]] = [:]
    for (t, chain) in chains where !chainsPresent.contains(t + " " + chain) {
      missingChains[t, default: []].append(":\(chain) - [0:0]")
    }
    var added: [String: [String]] = [:]
    var wanted = jumps
    for n in expected.networks {
      wanted += networkRules(bridge: n.bridge, subnet: n.subnet, isInternal: n.isInternal)
    }
    for rule in wanted
    where !present.contains(key(table: rule.table, chain: rule.chain, words: rule.spec.map { $0[...] })) {
      let verb = rule.first ? "-I \(rule.chain) 1" : "-A \(rule.chain)"
      added[rule.table, default: []].append(verb + " " + rule.spec.joined(separator: " "))
    }
    for p in expected.ports where !taggedPresent.contains(p.tag) {
      added["nat", default: []] += portRules(tag: p.tag, address: p.address, bindings: p.bindings)
    }
    var script = ""
    for t in ["nat", "filter"] {
      let lines = (missingChains[t] ?? []) + (stale[t] ?? []) + (added[t] ?? [])
      if !lines.isEmpty { script += "*\(t)\n" + lines.joined(separator: "\n") + "\nCOMMIT\n" }
    }
    return script.isEmpty ? nil : script
  }

  /// Lists the rules, then adds what is missing and removes what is stale with one
  /// `iptables-restore --noflush`. Returns whether anything changed.
  @discardableResult
  public static func repair(_ expected: Expected) throws -> Bool {
    let listing = HostCommand.run(["iptables-save"])
    guard listing.status == 0 else { throw BerthError.internal("iptables-save: \(listing.output)") }
    var expected = expected
    expected.liveDevices = Set(FileSystem.list("/sys/class/net"))
    guard let script = repairScript(listing: listing.output, expected: expected) else { return false }
    let r = HostCommand.run(["iptables-restore", "-w", "--noflush"], input: script)
    if r.status != 0 { throw BerthError.internal("iptables-restore: \(r.output)") }
    return true
  }
}
