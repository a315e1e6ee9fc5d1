import Foundation
import Testing

/// `inspect`, `port` and `ps` show published ports in Docker's shapes.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct NetworkInspectTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  @Test func portBindingsAndPortsAreShapedAsDockers() throws {
    let web = NetworkTests.freePort()
    var range = NetworkTests.freePort()
    while !BerthFixture.shell("ss -Hlun 'sport = :\(range + 1)'").out.isEmpty { range = NetworkTests.freePort() }
    box.web([
      "--name", "pb", "-p", "\(web):80", "-p", "127.0.0.1::81", "-p", "\(range)-\(range + 1):7000-7001/udp",
      "--dns", "192.0.2.1", "--dns-search", "example.test", "--add-host", "a:192.0.2.2",
    ])
    let bindings =
      "{\"7000/udp\":[{\"HostIp\":\"\",\"HostPort\":\"\(range)\"}],"
      + "\"7001/udp\":[{\"HostIp\":\"\",\"HostPort\":\"\(range + 1)\"}],"
      + "\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"\(web)\"}],"
      + "\"81/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]}"
    #expect(box.value("{{json .HostConfig.PortBindings}}", "pb") == bindings)
    #expect(box.value("{{json .HostConfig.PublishAllPorts}}", "pb") == "false")
    #expect(box.value("{{json .HostConfig.Dns}}", "pb") == "[\"192.0.2.1\"]")
    #expect(box.value("{{json .HostConfig.DnsSearch}}", "pb") == "[\"example.test\"]")
    #expect(box.value("{{json .HostConfig.DnsOptions}}", "pb") == "[]")
    #expect(box.value("{{json .HostConfig.ExtraHosts}}", "pb") == "[\"a:192.0.2.2\"]")

    let local = box.berth(["port", "pb", "81"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(local.hasPrefix("127.0.0.1:"))
    let localPort = String(local.dropFirst("127.0.0.1:".count))
    // As Debian's dockerd 20.10 and Docker 28's CLI showed the same ports on this host (the
    // IPv6 entries are the proxy's, for TCP and UDP).
    func v6(_ port: Int) -> String { hostHasIPv6 ? ",{\"HostIp\":\"::\",\"HostPort\":\"\(port)\"}" : "" }
    let ports =
      "{\"7000/udp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"\(range)\"}\(v6(range))],"
      + "\"7001/udp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"\(range + 1)\"}\(v6(range + 1))],"
      + "\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"\(web)\"}\(v6(web))],"
      + "\"81/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\(localPort)\"}]}"
    #expect(box.value("{{json .NetworkSettings.Ports}}", "pb") == ports)
    #expect(
      box.berth(["port", "pb"]).out
        == "80/tcp -> 0.0.0.0:\(web)\n" + (hostHasIPv6 ? "80/tcp -> [::]:\(web)\n" : "")
        + "81/tcp -> 127.0.0.1:\(localPort)\n7000/udp -> 0.0.0.0:\(range)\n"
        + (hostHasIPv6 ? "7000/udp -> [::]:\(range)\n" : "") + "7001/udp -> 0.0.0.0:\(range + 1)\n"
        + (hostHasIPv6 ? "7001/udp -> [::]:\(range + 1)\n" : ""))
    let column = box.berth(["ps"]).out
    let expected =
      "0.0.0.0:\(web)->80/tcp, " + (hostHasIPv6 ? "[::]:\(web)->80/tcp, " : "")
      + "127.0.0.1:\(localPort)->81/tcp, "
      + "0.0.0.0:\(range)->7000/udp, " + (hostHasIPv6 ? "[::]:\(range)->7000/udp, " : "")
      + "0.0.0.0:\(range + 1)->7001/udp" + (hostHasIPv6 ? ", [::]:\(range + 1)->7001/udp" : "")
    #expect(column.contains(expected), "\(column)")
    waitUntil { fetch("http://127.0.0.1:\(web)/index.html") == "hello" }
    #expect(fetch("http://localhost:\(web)/index.html") == "hello")
    if hostHasIPv6 { #expect(fetch("http://[::1]:\(web)/index.html", "-g") == "hello") }

    // Stopped: no port map, the bindings as given.
    #expect(box.berth(["stop", "-t", "0", "pb"]).code == 0)
    #expect(box.value("{{json .NetworkSettings.Ports}}", "pb") == "{}")
    #expect(box.value("{{json .HostConfig.PortBindings}}", "pb") == bindings)
    #expect(box.berth(["port", "pb"]).out.isEmpty)
  }
}
