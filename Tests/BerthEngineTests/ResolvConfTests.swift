import Testing

@testable import BerthEngine

@Suite struct ResolvConfTests {
  static let host = "search corp.example\nnameserver 10.0.0.53\noptions timeout:2\n"

  @Test func defaultBridgeKeepsTheHostsLinesUnlessGiven() {
    #expect(ResolvConf.applying(to: Self.host, embeddedDNS: nil, dns: [], search: [], options: []) == Self.host)
    #expect(
      ResolvConf.applying(to: Self.host, embeddedDNS: nil, dns: ["192.0.2.1"], search: ["a.test"], options: ["ndots:2"])
        == "search a.test\nnameserver 192.0.2.1\noptions ndots:2\n")
  }

  @Test func userNetworksUseTheEmbeddedDNSWithNdots0() {
    #expect(
      ResolvConf.applying(to: Self.host, embeddedDNS: "172.18.0.1", dns: ["192.0.2.1"], search: [], options: [])
        == "search corp.example\nnameserver 172.18.0.1\noptions timeout:2 ndots:0\n")
    #expect(
      ResolvConf.applying(to: Self.host, embeddedDNS: "172.18.0.1", dns: [], search: ["."], options: ["ndots:3"])
        == "nameserver 172.18.0.1\noptions ndots:3\n")
  }
}
