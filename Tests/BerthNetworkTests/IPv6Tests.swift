import BerthNetwork
import Testing

@Suite struct IPv6Tests {
  @Test(arguments: [
    ("2001:db8::1", "2001:db8::1"), ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
    ("::", "::"), ("::1", "::1"), ("fe80::", "fe80::"), ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
    ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
    ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
  ])
  func parsesAndPrintsAsGo(text: String, canonical: String) throws {
    let a = try #require(IPv6Address(text))
    #expect(a.description == canonical)
    #expect(IPv6Address(canonical) == a)
  }

  @Test(arguments: ["", "10.0.0.1", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":1"])
  func refusesWhatIsNotAnAddress(text: String) {
    #expect(IPv6Address(text) == nil)
  }

  @Test func subnetsClearHostBitsContainAndOverlap() throws {
    let s = try IPv6Subnet(parsing: "2001:389::1/64")
    #expect(s.description == "2001:389::/64")
    #expect(s.firstHost.description == "2001:389::1")
    #expect(s.last.description == "2001:389::ffff:ffff:ffff:ffff")
    #expect(s.contains(IPv6Address("2001:389::f00d")!))
    #expect(!s.contains(IPv6Address("2001:38a::1")!))
    #expect(s.overlaps(try IPv6Subnet(parsing: "2001:389::/96")))
    #expect(!s.overlaps(try IPv6Subnet(parsing: "2001:389:0:1::/64")))
    #expect(throws: (any Error).self) { try IPv6Subnet(parsing: "2001:389::/129") }
    #expect(throws: (any Error).self) { try IPv6Subnet(parsing: "10.0.0.0/8") }
  }

  @Test func allocatesTheLowestFreeAddressInTheRangeSkippingTheGateway() throws {
    let s = try IPv6Subnet(parsing: "2001:389::/64")
    let gw = IPv6Address("2001:389::1")!
    #expect(IPAM.nextFree(in: s, gateway: gw, used: [])?.description == "2001:389::2")
    #expect(IPAM.nextFree(in: s, gateway: gw, used: [IPv6Address("2001:389::2")!])?.description == "2001:389::3")
    let range = try IPv6Subnet(parsing: "2001:389::1:0/112")
    #expect(IPAM.nextFree(in: s, range: range, gateway: gw, used: [])?.description == "2001:389::1:0")
    let tiny = try IPv6Subnet(parsing: "2001:389::/127")
    #expect(IPAM.nextFree(in: tiny, gateway: IPv6Address("2001:389::1")!, used: []) == nil)
  }
}
