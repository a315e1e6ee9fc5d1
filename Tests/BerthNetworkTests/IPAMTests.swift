import BerthNetwork
import BerthOCI
import Testing

@Suite struct IPAMTests {
  @Test func subnetsParseAndContain() throws {
    let s = try IPv4Subnet(parsing: "172.17.5.9/16")
    #expect(s.description == "172.17.0.0/16")
    #expect(s.firstHost.description == "172.17.0.1")
    #expect(s.broadcast.description == "172.17.255.255")
    #expect(s.contains(IPv4Address("172.17.200.1")!))
    #expect(!s.contains(IPv4Address("172.18.0.1")!))
    #expect(throws: (any Error).self) { try IPv4Subnet(parsing: "172.17.0.0") }
    #expect(throws: (any Error).self) { try IPv4Subnet(parsing: "300.1.1.1/8") }
  }

  @Test(arguments: [
    ("10.0.0.0/8", "10.1.0.0/16", true), ("172.17.0.0/16", "172.18.0.0/16", false),
    ("192.168.0.0/20", "192.168.15.0/24", true), ("192.168.16.0/20", "192.168.15.0/24", false),
  ])
  func overlaps(a: String, b: String, expected: Bool) throws {
    #expect(try IPv4Subnet(parsing: a).overlaps(IPv4Subnet(parsing: b)) == expected)
  }

  @Test func choosesTheFirstSubnetThatCollidesWithNothing() throws {
    let taken = [try IPv4Subnet(parsing: "172.17.0.0/16"), try IPv4Subnet(parsing: "172.16.0.0/12")]
    #expect(IPAM.chooseSubnet(taken: [])?.description == "172.17.0.0/16")
    #expect(IPAM.chooseSubnet(taken: [taken[0]])?.description == "172.18.0.0/16")
    #expect(IPAM.chooseSubnet(taken: taken)?.description == "192.168.0.0/20")
  }

  @Test func allocatesTheLowestFreeAddressSkippingTheGateway() throws {
    let s = try IPv4Subnet(parsing: "10.9.0.0/29")
    let gw = s.firstHost
    #expect(IPAM.nextFree(in: s, gateway: gw, used: [])?.description == "10.9.0.2")
    let used: Set = [IPv4Address("10.9.0.2")!, IPv4Address("10.9.0.3")!]
    #expect(IPAM.nextFree(in: s, gateway: gw, used: used)?.description == "10.9.0.4")
    let full = Set((2...6).compactMap { IPv4Address("10.9.0.\($0)") })
    #expect(IPAM.nextFree(in: s, gateway: gw, used: full) == nil)
    #expect(IPv4Address("172.17.0.2")!.dockerMAC == [0x02, 0x42, 172, 17, 0, 2])
  }

  @Test func readsTheKernelRouteTable() {
    let text = """
      Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
      eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
      eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
      docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
      """
    #expect(IPAM.parseRouteTable(text).map(\.description) == ["192.0.2.0/24", "172.17.0.0/16"])
  }
}

@Suite struct PortBindingTests {
  @Test(arguments: [
    ("4000:80", "", 4000, 80, "tcp"), ("80", "", 0, 80, "tcp"), ("127.0.0.1:4000:80/udp", "127.0.0.1", 4000, 80, "udp"),
    ("127.0.0.1::80", "127.0.0.1", 0, 80, "tcp"), ("[::1]:4000:80", "::1", 4000, 80, "tcp"),
  ])
  func parses(spec: String, ip: String, host: Int, container: Int, proto: String) throws {
    let b = try PortBinding.parse(spec)
    #expect(b == [PortBinding(hostIP: ip, hostPort: host, containerPort: container, proto: proto)])
  }

  @Test func expandsRanges() throws {
    let b = try PortBinding.parse("8000-8002:80-82")
    #expect(b.map(\.hostPort) == [8000, 8001, 8002])
    #expect(b.map(\.containerPort) == [80, 81, 82])
    let pick = try PortBinding.parse("8000-8010:80")
    #expect(pick.count == 1 && pick[0].hostPort == 8000 && pick[0].hostPortEnd == 8010)
    #expect(try PortBinding.exposedKeys("7000-7001/udp") == ["7000/udp", "7001/udp"])
  }

  @Test(arguments: [
    ("4000:80/xyz", "invalid proto: xyz"), ("4000:abc", "invalid containerPort: abc"),
    ("abc:80", "invalid hostPort: abc"),
    ("8000-8001:80-83", "invalid ranges specified for container and host Ports: 80-83 and 8000-8001"),
    ("1.2.3:4000:80", "Invalid ip address: 1.2.3"), ("70000", "invalid containerPort: 70000"),
  ])
  func refuses(spec: String, message: String) {
    #expect(throws: BerthError.invalid(message)) { try PortBinding.parse(spec) }
  }

  @Test func rendersDockersPortsColumn() {
    let b = [
      PortBinding(hostPort: 4000, containerPort: 80), PortBinding(hostPort: 8000, containerPort: 81),
      PortBinding(hostPort: 8001, containerPort: 82),
      PortBinding(hostIP: "127.0.0.1", hostPort: 53, containerPort: 53, proto: "udp"),
    ]
    #expect(
      PortBinding.render(bindings: b, exposed: ["80/tcp", "443/tcp"])
        == "0.0.0.0:4000->80/tcp, 0.0.0.0:8000->81/tcp, 0.0.0.0:8001->82/tcp, 127.0.0.1:53->53/udp, 443/tcp")
    // What Docker 28's CLI printed for the same ports against Debian's dockerd 20.10 here.
    let same = [
      PortBinding(hostPort: 7000, containerPort: 7000, proto: "udp"),
      PortBinding(hostPort: 7001, containerPort: 7001, proto: "udp"),
      PortBinding(hostIP: "::", hostPort: 7000, containerPort: 7000, proto: "udp"),
      PortBinding(hostIP: "::", hostPort: 7001, containerPort: 7001, proto: "udp"),
      PortBinding(hostPort: 28788, containerPort: 80), PortBinding(hostIP: "::", hostPort: 28788, containerPort: 80),
    ]
    #expect(
      PortBinding.render(bindings: same, exposed: ["80/tcp", "7002/tcp", "7003/tcp"])
        == "0.0.0.0:28788->80/tcp, [::]:28788->80/tcp, 0.0.0.0:7000-7001->7000-7001/udp, "
        + "[::]:7000-7001->7000-7001/udp, 7002-7003/tcp")
  }
}
