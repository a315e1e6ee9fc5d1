import BerthNetwork
import BerthOCI
import Foundation
import Testing

@Suite struct FirewallRepairTests {
  static let subnet = IPv4Subnet(IPv4Address(0xAC12_0000), prefix: 16)

  /// What iptables-save prints for Berth's chains, jumps and one network (its own word order).
  static func listing(bridge: String = "br-1") -> String {
    let rules = Firewall.networkRules(bridge: bridge, subnet: subnet, isInternal: false)
    var nat = ["*nat", ":PREROUTING ACCEPT [0:0]", ":BERTH - [0:0]", ":BERTH-POSTROUTING - [0:0]"]
    var filter = [
      "*filter", ":FORWARD ACCEPT [0:0]", ":BERTH-FORWARD - [0:0]", ":BERTH-ISOLATION-1 - [0:0]",
      ":BERTH-ISOLATION-2 - [0:0]", "-A FORWARD -j BERTH-FORWARD", "-A BERTH-FORWARD -j BERTH-ISOLATION-1",
      "-A INPUT -s 192.0.2.9/32 -j DROP",
    ]
    nat += [
      "-A PREROUTING -m addrtype --dst-type LOCAL -j BERTH", "-A OUTPUT -m addrtype --dst-type LOCAL -j BERTH",
      "-A POSTROUTING -j BERTH-POSTROUTING",
    ]
    for r in rules {
      let line = "-A \(r.chain) " + r.spec.joined(separator: " ")
      if r.table == "nat" { nat.append(line) } else { filter.append(line) }
    }
    return (nat + ["COMMIT"] + filter + ["COMMIT"]).joined(separator: "\n") + "\n"
  }

  static func expected(bridges: [String] = ["br-1"]) -> Firewall.Expected {
    var e = Firewall.Expected()
    e.networks = bridges.map { ($0, subnet, false) }
    e.liveDevices = Set(bridges)
    return e
  }

  @Test func nothingToDoWhenEverythingIsThere() {
    #expect(Firewall.repairScript(listing: Self.listing(), expected: Self.expected()) == nil)
    // iptables-save puts -s/-d before -i/-o and may quote comments; the comparison must not care.
    let internalRules = Firewall.networkRules(bridge: "br-1", subnet: Self.subnet, isInternal: true)
    var e = Self.expected()
    e.networks = [("br-1", Self.subnet, true)]
    let listing = Self.listing().replacingOccurrences(
      of: "COMMIT\n*filter",
      with: "COMMIT\n*filter\n"
        + internalRules.filter { $0.table == "filter" }.map {
          "-A \($0.chain) " + $0.spec.reversed().joined(separator: " ")
        }.joined(separator: "\n"))
    #expect(Firewall.repairScript(listing: listing, expected: e)?.contains("-A BERTH-ISOLATION-1") != true)
  }

  @Test func missingChainsJumpsAndRulesComeBack() throws {
    let script = try #require(
      Firewall.repairScript(listing: "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n", expected: Self.expected()))
    #expect(script.contains(":BERTH - [0:0]\n"))
    #expect(script.contains(":BERTH-FORWARD - [0:0]\n"))
    #expect(script.contains("-I FORWARD 1 -j BERTH-FORWARD\n"))
    #expect(script.contains("-A BERTH-POSTROUTING -s 172.18.0.0/16 ! -o br-1 -j MASQUERADE\n"))
    #expect(script.hasPrefix("*nat\n") && script.hasSuffix("COMMIT\n"))
  }

  @Test func staleRulesOfGoneBridgesAndStoppedContainersGo() throws {
    var listing = Self.listing()
    listing = listing.replacingOccurrences(
      of: "COMMIT\n*filter",
      with: """
        -A BERTH-POSTROUTING -s 10.9.0.0/16 ! -o br-dead -j MASQUERADE
        -A BERTH -p tcp -m tcp --dport 4000 -m comment --comment "berth:aaaaaaaaaaaa" -j DNAT --to-destination 172.18.0.2:80
        -A BERTH -p tcp -m tcp --dport 4001 -m comment --comment "berth:bbbbbbbbbbbb" -j DNAT --to-destination 172.18.0.3:80
        COMMIT
        *filter
        """)
    var e = Self.expected()
    e.ownTags = ["aaaaaaaaaaaa"]
    e.ports = [("cccccccccccc", IPv4Address("172.18.0.4")!, [PortBinding(hostPort: 4002, containerPort: 80)])]
    let script = try #require(Firewall.repairScript(listing: listing, expected: e))
    #expect(script.contains("-D BERTH-POSTROUTING -s 10.9.0.0/16 ! -o br-dead -j MASQUERADE\n"))
    #expect(script.contains("berth:aaaaaaaaaaaa"))  // this root's, not running: removed
    #expect(!script.contains("bbbbbbbbbbbb"))  // another root's: left alone
    #expect(script.contains("-A BERTH -p tcp -m tcp --dport 4002 -m comment --comment berth:cccccccccccc"))
    #expect(!script.contains("192.0.2.9"))
  }

  @Test func upstreamLinesNameAClientsServers() {
    let text = "172.18.0.2 web abc\n@upstream 172.18.0.2 192.0.2.53 192.0.2.54\n@upstream bad\n"
    let up = DNSResponder.parseUpstreams(text)
    #expect(up == [IPv4Address("172.18.0.2")!: [IPv4Address("192.0.2.53")!, IPv4Address("192.0.2.54")!]])
    #expect(DNSResponder.parseHosts(text).0["web"] == [IPv4Address("172.18.0.2")!])
  }
}
