import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Networks with real bridges, veths and iptables rules. Traffic goes only to loopback, the
/// host's own address and the containers' addresses.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct NetworkTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  /// A web server on port 80 (or port) that serves `text`; returns its id.
  @discardableResult
  func web(_ args: [String], text: String = "hello", port: Int = 80) -> String {
    let script = "echo \(text) > /tmp/index.html; exec httpd -f -p \(port) -h /tmp"
    let r = box.berth(["run", "-d"] + args + ["busybox", "sh", "-c", script])
    #expect(r.code == 0, "\(r.err)")
    return r.out.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func value(_ format: String, _ ref: String, network: Bool = false) -> String {
    box.berth((network ? ["network", "inspect"] : ["inspect"]) + ["-f", format, ref]).out
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The host's first global IPv4 address that is not on a Berth or Docker bridge.
  static var hostAddress: String {
    let out = BerthFixture.shell("ip -4 -o addr show scope global").out
    for line in out.split(separator: "\n") {
      let f = line.split(separator: " ")
      guard f.count > 3, !f[1].hasPrefix("berth"), !f[1].hasPrefix("br-"), !f[1].hasPrefix("docker") else { continue }
      return String(f[3].split(separator: "/")[0])
    }
    return "127.0.0.1"
  }

  /// A port nothing listens on, away from the ephemeral range.
  static func freePort() -> Int {
    while true {
      let p = Int.random(in: 20000...29999)
      if BerthFixture.shell("ss -Htln 'sport = :\(p)'").out.isEmpty { return p }
    }
  }

  func curl(_ url: String) -> String {
    BerthFixture.shell("curl -s -m 5 \(url)").out.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test func publishedPortServesLocalhostAndTheHostAddress() throws {
    let port = Self.freePort()
    let id = web(["--name", "web", "-p", "\(port):80"], text: "published")
    waitUntil { curl("http://127.0.0.1:\(port)/index.html") == "published" }
    #expect(curl("http://localhost:\(port)/index.html") == "published")
    #expect(curl("http://\(Self.hostAddress):\(port)/index.html") == "published")
    let v6 = hostHasIPv6 ? "80/tcp -> [::]:\(port)\n" : ""
    #expect(box.berth(["port", "web"]).out == "80/tcp -> 0.0.0.0:\(port)\n" + v6)
    #expect(box.berth(["port", "web", "80"]).out == "0.0.0.0:\(port)\n" + (hostHasIPv6 ? "[::]:\(port)\n" : ""))
    #expect(box.berth(["ps"]).out.contains("0.0.0.0:\(port)->80/tcp"))
    if hostHasIPv6 {
      // Through the IPv6 proxy, as `curl localhost` may try first.
      #expect(curl("-g http://[::1]:\(port)/index.html") == "published")
      #expect(box.berth(["ps"]).out.contains("0.0.0.0:\(port)->80/tcp, [::]:\(port)->80/tcp"))
    }
    let ip = value("{{.NetworkSettings.IPAddress}}", "web")
    #expect(ip.hasPrefix("172.") || ip.hasPrefix("192.168."))
    #expect(value("{{.NetworkSettings.Networks.bridge.IPAddress}}", "web") == ip)
    let mac = value("{{.NetworkSettings.MacAddress}}", "web")
    #expect(mac.hasPrefix("02:42:"))
    #expect(
      value("{{json .NetworkSettings.Ports}}", "web")
        == "{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"\(port)\"}"
        + (hostHasIPv6 ? ",{\"HostIp\":\"::\",\"HostPort\":\"\(port)\"}" : "") + "]}")
    #expect(box.berth(["rm", "-f", id]).code == 0)
    #expect(curl("http://127.0.0.1:\(port)/index.html").isEmpty)
  }

  @Test func publishedUDPPortAnswersOverIPv4AndIPv6() throws {
    let port = Self.freePort()
    let id = box.berth(["run", "-d", "--name", "udp", "-p", "\(port):7000/udp", "busybox", "sleep", "60"]).out
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let pid = value("{{.State.Pid}}", "udp")
    // An echo server in the container's network namespace (busybox has no UDP server).
    let server = try BerthFixture.startServer(
      "/usr/bin/nsenter",
      [
        "-t", pid, "-n", "python3", "-c",
        """
        import socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 7000))
        while True:
            data, peer = s.recvfrom(2048); s.sendto(b"pong:" + data, peer)
        """,
      ])
    defer { BerthFixture.stop(server) }
    func ask(_ host: String) -> String {
      let family = host.contains(":") ? "AF_INET6" : "AF_INET"
      let script = """
        import socket
        s = socket.socket(socket.\(family), socket.SOCK_DGRAM); s.settimeout(1)
        for _ in range(5):
            s.sendto(b"ping", ("\(host)", \(port)))
            try: print(s.recv(2048).decode()); break
            except socket.timeout: pass
        """
      return BerthFixture.run("/usr/bin/python3", ["-c", script]).out.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    #expect(ask("127.0.0.1") == "pong:ping")
    #expect(ask(Self.hostAddress) == "pong:ping")
    if hostHasIPv6 {
      #expect(ask("::1") == "pong:ping")
      #expect(box.berth(["port", "udp"]).out == "7000/udp -> 0.0.0.0:\(port)\n7000/udp -> [::]:\(port)\n")
    }
    #expect(box.berth(["rm", "-f", id]).code == 0)
  }

  @Test func publishAllPicksPortsThatPortReports() throws {
    web(["--name", "all", "-P", "--expose", "80", "--expose", "7000-7001/udp"], text: "any")
    let lines = box.berth(["port", "all"]).out.split(separator: "\n").map(String.init)
    #expect(lines.count == (hostHasIPv6 ? 6 : 3))
    let tcp = try #require(lines.first { $0.hasPrefix("80/tcp -> 0.0.0.0:") })
    let port = try #require(Int(tcp.split(separator: ":").last ?? ""))
    #expect(HostPortsRange.ephemeral.contains(port))
    #expect(lines.contains { $0.hasPrefix("7000/udp -> 0.0.0.0:") })
    waitUntil { curl("http://127.0.0.1:\(port)/index.html") == "any" }
    #expect(curl("http://127.0.0.1:\(port)/index.html") == "any")
  }

  @Test func busyHostPortIsRefusedCleanly() throws {
    let port = Self.freePort()
    web(["--name", "first", "-p", "\(port):80"])
    let r = box.berth(["run", "-d", "--name", "second", "-p", "\(port):80", "busybox", "sleep", "100"])
    #expect(r.code == 125)
    #expect(r.err.contains("Bind for 0.0.0.0:\(port) failed: port is already allocated"), "\(r.err)")
    #expect(value("{{.State.Status}}", "second") == "created")
    #expect(value("{{.NetworkSettings.IPAddress}}", "second") == "")
    let id = value("{{.Id}}", "second")
    #expect(!BerthFixture.shell("iptables -w -t nat -S BERTH").out.contains("berth:\(id.prefix(12))"))

    // A port a host process listens on.
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    let other = Self.freePort()
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = UInt16(other).bigEndian
    _ = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    listen(fd, 1)
    let busy = box.berth(["run", "--rm", "-p", "\(other):80", "busybox", "true"])
    #expect(busy.code == 125)
    #expect(busy.err.contains("address already in use"), "\(busy.err)")
    #expect(box.berth(["ps", "-aq"]).out.split(separator: "\n").count == 2)
  }

  @Test func containersOnAUserNetworkReachEachOtherByNameAndAlias() throws {
    #expect(box.berth(["network", "create", "app"]).code == 0)
    let id = web(["--name", "webserver", "--network", "app", "--network-alias", "www"], text: "by-name", port: 8080)
    let script = """
      for n in webserver www \(id.prefix(12)); do wget -qO- http://$n:8080/index.html; done
      nslookup $(hostname -i 2>/dev/null | cut -d' ' -f1) >/dev/null 2>&1; cat /etc/resolv.conf
      """
    var r = box.berth(["run", "--rm", "--network", "app", "busybox", "sh", "-c", script])
    for _ in 0..<20 where !r.out.hasPrefix("by-name") {
      usleep(100_000)
      r = box.berth(["run", "--rm", "--network", "app", "busybox", "sh", "-c", script])
    }
    #expect(r.out.hasPrefix("by-name\nby-name\nby-name\n"), "\(r.out) \(r.err)")
    let gateway = value("{{(index .IPAM.Config 0).Gateway}}", "app", network: true)
    #expect(r.out.contains("nameserver \(gateway)"))
    // PTR: the address resolves back to the name.
    let ip = value("{{.NetworkSettings.Networks.app.IPAddress}}", "webserver")
    let ptr = box.berth(["run", "--rm", "--network", "app", "busybox", "nslookup", ip])
    #expect(ptr.out.contains("webserver"), "\(ptr.out)")
    // The default bridge has no names, as Docker's.
    let plain = box.berth([
      "run", "--rm", "busybox", "sh", "-c", "timeout 3 wget -qO- http://webserver:8080/ || exit 1",
    ])
    #expect(plain.code != 0)
    let inspect = box.berth(["network", "inspect", "app"]).out
    #expect(inspect.contains("\"Name\": \"webserver\""))
  }

  @Test func internalNetworkCannotReachOut() throws {
    // A web server on the host's own address: reachable from the default bridge, not from an
    // internal network.
    let port = Self.freePort()
    let dir = box.dataRoot + "/../www"
    BerthFixture.shell("mkdir -p \(dir) && echo host-side > \(dir)/index.html")
    let server = try BerthFixture.startServer(
      "/bin/sh", ["-c", "exec python3 -m http.server --bind 0.0.0.0 --directory \(dir) \(port)"])
    defer { BerthFixture.stop(server) }
    waitUntil { curl("http://127.0.0.1:\(port)/index.html") == "host-side" }
    let probe = "timeout 3 wget -qO- http://\(Self.hostAddress):\(port)/index.html || true"
    #expect(box.berth(["run", "--rm", "busybox", "sh", "-c", probe]).out == "host-side\n")
    #expect(box.berth(["network", "create", "--internal", "closed"]).code == 0)
    #expect(value("{{.Internal}}", "closed", network: true) == "true")
    let r = box.berth(["run", "--rm", "--network", "closed", "busybox", "sh", "-c", probe])
    #expect(r.out.isEmpty)
    #expect(r.err.contains("unreachable"), "\(r.err)")
  }

  @Test func twoNetworksAreIsolated() throws {
    #expect(box.berth(["network", "create", "one"]).code == 0)
    #expect(box.berth(["network", "create", "two"]).code == 0)
    web(["--name", "aa", "--network", "one"], text: "one")
    let ip = value("{{.NetworkSettings.IPAddress}}", "aa")
    let fetch = "timeout 3 wget -qO- http://\(ip)/index.html || true"
    var same = box.berth(["run", "--rm", "--network", "one", "busybox", "sh", "-c", fetch])
    for _ in 0..<20 where same.out != "one\n" {
      usleep(100_000)
      same = box.berth(["run", "--rm", "--network", "one", "busybox", "sh", "-c", fetch])
    }
    #expect(same.out == "one\n")
    #expect(box.berth(["run", "--rm", "--network", "two", "busybox", "sh", "-c", fetch]).out.isEmpty)
    #expect(box.berth(["run", "--rm", "busybox", "sh", "-c", fetch]).out.isEmpty)
  }

  @Test func everythingIsGoneAfterRmAndNetworkRm() throws {
    #expect(box.berth(["network", "create", "gone"]).code == 0)
    let netID = value("{{.Id}}", "gone", network: true)
    let bridge = "br-" + netID.prefix(12)
    let port = Self.freePort()
    let id = web(["--name", "gg", "--network", "gone", "-p", "\(port):80"])
    let tag = "berth:" + id.prefix(12)
    let veth = "veth" + id.prefix(9) + "0"
    #expect(BerthFixture.shell("ip link show \(veth)").code == 0)
    #expect(BerthFixture.shell("iptables -w -t nat -S BERTH").out.contains(tag))
    #expect(BerthFixture.shell("pgrep -f '[_]_dns \(netID)'").code == 0)
    #expect(box.berth(["network", "rm", "gone"]).err.contains("has active endpoints"))

    #expect(box.berth(["rm", "-f", "gg"]).code == 0)
    #expect(!BerthFixture.shell("iptables -w -t nat -S BERTH").out.contains(tag))
    waitUntil { BerthFixture.shell("ip link show \(veth) 2>/dev/null").code != 0 }
    #expect(BerthFixture.shell("ip link show \(veth) 2>/dev/null").code != 0)
    #expect(BerthFixture.shell("pgrep -f '[_]_dns \(netID)'").code != 0)

    #expect(box.berth(["network", "rm", "gone"]).out == "gone\n")
    #expect(BerthFixture.shell("ip link show \(bridge) 2>/dev/null").code != 0)
    let rules = BerthFixture.shell("iptables -w -S; iptables -w -t nat -S").out
    #expect(!rules.contains(bridge))
    #expect(box.berth(["network", "ls"]).out.split(separator: "\n").count == 4)
  }

  @Test func aSigkilledBerthIsRepairedByTheNextCommand() throws {
    let port = Self.freePort()
    let p = Process()
    p.executableURL = URL(fileURLWithPath: BerthFixture.berth)
    p.arguments = [
      "--data-root", box.dataRoot, "--exec-root", box.execRoot, "run", "--name", "fg", "-p", "\(port):80", "busybox",
      "httpd", "-f", "-p", "80",
    ]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    waitUntil { value("{{.State.Status}}", "fg") == "running" }
    let id = value("{{.Id}}", "fg")
    #expect(BerthFixture.shell("iptables -w -t nat -S BERTH").out.contains("berth:\(id.prefix(12))"))
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    #expect(box.berth(["ps", "-a"]).code == 0)
    #expect(value("{{.State.Status}}", "fg") == "exited")
    #expect(!BerthFixture.shell("iptables -w -t nat -S BERTH").out.contains("berth:\(id.prefix(12))"))
    #expect(value("{{.NetworkSettings.IPAddress}}", "fg") == "")
  }

  @Test func connectAndDisconnectARunningContainer() throws {
    #expect(box.berth(["network", "create", "back"]).code == 0)
    web(["--name", "srv", "--network", "back"], text: "back")
    box.berth(["run", "-d", "--name", "cli", "busybox", "sleep", "100"])
    let fetch = ["sh", "-c", "timeout 3 wget -qO- http://srv/index.html || true"]
    #expect(box.berth(["network", "connect", "--alias", "cl", "back", "cli"]).code == 0)
    #expect(value("{{.NetworkSettings.Networks.back.IPAddress}}", "cli").hasPrefix("1"))
    let reply = box.berth(["run", "--rm", "--network", "back", "busybox", "ping", "-c", "1", "-W", "2", "cl"])
    #expect(reply.out.contains("1 packets received"), "\(reply.out) \(reply.err)")
    #expect(value("{{len .Containers}}", "back", network: true) == "2")
    #expect(box.berth(["network", "disconnect", "back", "cli"]).code == 0)
    #expect(value("{{len .Containers}}", "back", network: true) == "1")
    #expect(box.berth(["run", "--rm", "--network", "back", "busybox"] + fetch).out == "back\n")
  }

  @Test func hostsResolvAndDNSOptions() throws {
    let r = box.berth([
      "run", "--rm", "--add-host", "db.local:10.1.2.3", "--dns", "192.0.2.53", "--dns-search", "example.test",
      "busybox", "sh", "-c", "cat /etc/hosts /etc/resolv.conf; hostname -i",
    ])
    #expect(r.out.contains("10.1.2.3\tdb.local"))
    #expect(r.out.contains("nameserver 192.0.2.53"))
    #expect(r.out.contains("search example.test"))
    let none = box.berth(["run", "--rm", "--network", "none", "busybox", "ip", "-o", "link"])
    #expect(none.out.split(separator: "\n").count == 1)
    #expect(
      box.berth(["run", "--rm", "--network", "nosuch", "busybox", "true"]).err.contains("network nosuch not found"))
  }
}

/// The kernel's ephemeral port range, where `-P` picks ports.
enum HostPortsRange {
  static var ephemeral: ClosedRange<Int> {
    let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
    let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) }
    return parts.count == 2 ? parts[0]...parts[1] : 32768...60999
  }
}
