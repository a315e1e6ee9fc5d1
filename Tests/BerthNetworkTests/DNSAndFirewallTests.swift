import BerthNetwork
import Testing

@Suite struct DNSMessageTests {
  /// A query for name of type, id 0x1234, recursion desired.
  static func query(_ name: String, type: UInt16) -> [UInt8] {
    var q: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
    for label in name.split(separator: ".") {
      q.append(UInt8(label.utf8.count))
      q += Array(label.utf8)
    }
    return q + [0, UInt8(type >> 8), UInt8(type & 0xff), 0, 1]
  }

  @Test func parsesAQuestionAndAnswersWithARecords() throws {
    let q = try #require(DNSMessage(query: Self.query("Web.", type: DNSMessage.typeA)))
    #expect(q.name == "web" && q.type == DNSMessage.typeA && q.id == 0x1234)
    let r = q.response(addresses: [IPv4Address("172.18.0.2")!])
    #expect(Array(r[0..<4]) == [0x12, 0x34, 0x85, 0x80])  // QR AA RD RA, NOERROR
    #expect(Array(r[6..<8]) == [0, 1])  // one answer
    #expect(Array(r.suffix(4)) == [172, 18, 0, 2])
    let nx = q.response(rcode: 3)
    #expect(nx[3] & 0x0f == 3 && nx[7] == 0)
  }

  @Test func answersAAAAQuestionsWithIPv6Records() throws {
    let q = try #require(DNSMessage(query: Self.query("web", type: DNSMessage.typeAAAA)))
    let address = try #require(IPv6Address("fd42::f00d"))
    let r = q.response(addresses6: [address])
    #expect(Array(r[6..<8]) == [0, 1])
    #expect(Array(r.suffix(18)) == [0, 16] + address.bytes)
  }

  @Test func answersPointerQuestions() throws {
    let q = try #require(DNSMessage(query: Self.query("2.0.18.172.in-addr.arpa", type: DNSMessage.typePTR)))
    #expect(DNSMessage.reverseAddress(q.name) == IPv4Address("172.18.0.2"))
    let r = q.response(pointer: "web")
    #expect(Array(r.suffix(5)) == [3, 119, 101, 98, 0])
  }

  @Test func refusesWhatIsNotAQuery() {
    #expect(DNSMessage(query: [1, 2, 3]) == nil)
    var answer = Self.query("web", type: 1)
    answer[2] |= 0x80
    #expect(DNSMessage(query: answer) == nil)
  }

  @Test func readsTheHostsFileTheEngineWrites() {
    let (names, reverse) = DNSResponder.parseHosts("172.18.0.2 web 3f2a1b4c5d6e www\n172.18.0.3 db\n")
    #expect(names["www"] == [IPv4Address("172.18.0.2")!])
    #expect(names["3f2a1b4c5d6e"] == [IPv4Address("172.18.0.2")!])
    #expect(reverse[IPv4Address("172.18.0.3")!] == "db")
  }

  @Test func readsIPv6LinesOfTheHostsFile() {
    let text = "172.18.0.2 web www\nfd42::2 web www\n@upstream 172.18.0.2 1.1.1.1\n"
    #expect(DNSResponder.parseHosts6(text)["www"] == [IPv6Address("fd42::2")!])
    #expect(DNSResponder.parseHosts(text).0["web"] == [IPv4Address("172.18.0.2")!])
  }
}

@Suite struct FirewallRuleTests {
  @Test func aNetworkMasqueradesAndIsIsolated() throws {
    let rules = Firewall.networkRules(
      bridge: "br-x", subnet: try IPv4Subnet(parsing: "172.18.0.0/16"), isInternal: false)
    let text = rules.map { "\($0.table) \($0.chain) \($0.spec.joined(separator: " "))" }
    #expect(text.contains("nat BERTH-POSTROUTING -s 172.18.0.0/16 ! -o br-x -j MASQUERADE"))
    #expect(text.contains("nat BERTH-POSTROUTING -s 127.0.0.0/8 -o br-x -j MASQUERADE"))
    #expect(text.contains("filter BERTH-ISOLATION-1 -i br-x ! -o br-x -j BERTH-ISOLATION-2"))
    #expect(text.contains("filter BERTH-ISOLATION-2 -o br-x -j DROP"))
    #expect(rules.allSatisfy { $0.chain.hasPrefix("BERTH") })
  }

  @Test func anInternalNetworkHasNoWayOut() throws {
    let rules = Firewall.networkRules(bridge: "br-i", subnet: try IPv4Subnet(parsing: "10.5.0.0/24"), isInternal: true)
    let text = rules.map { $0.spec.joined(separator: " ") }
    #expect(!text.contains { $0.contains("MASQUERADE") && $0.contains("10.5.0.0/24") })
    #expect(text.contains("-i br-i ! -d 10.5.0.0/24 -j DROP"))
    #expect(text.contains("! -s 10.5.0.0/24 -o br-i -j DROP"))
  }

  @Test func publishedPortsAreOneTaggedDNATEach() {
    let lines = Firewall.portRules(
      tag: "3f2a1b4c5d6e", address: IPv4Address("172.17.0.2")!,
      bindings: [
        PortBinding(hostPort: 4000, containerPort: 80),
        PortBinding(hostIP: "127.0.0.1", hostPort: 53, containerPort: 53, proto: "udp"),
      ])
    #expect(
      lines == [
        "-A BERTH -p tcp -m tcp --dport 4000 -m comment --comment berth:3f2a1b4c5d6e -j DNAT --to-destination 172.17.0.2:80",
        "-A BERTH -d 127.0.0.1/32 -p udp -m udp --dport 53 -m comment --comment berth:3f2a1b4c5d6e -j DNAT --to-destination 172.17.0.2:53",
      ])
  }
}
