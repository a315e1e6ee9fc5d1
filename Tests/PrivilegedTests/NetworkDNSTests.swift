import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The embedded DNS of user-defined networks following renames, stops and connects, and the
/// DNS and hosts options Docker honours there.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct NetworkDNSTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  /// `nslookup name` from a throwaway container on network, with a time limit.
  func lookup(_ name: String, on network: String, _ flags: [String] = []) -> String {
    box.berth(["run", "--rm", "--network", network] + flags + ["busybox", "timeout", "4", "nslookup", name]).out
  }

  @Test func answersFollowRenameStopAndConnect() throws {
    #expect(box.berth(["network", "create", "names"]).code == 0)
    box.web(["--name", "before", "--network", "names"])
    let ip = box.value("{{.NetworkSettings.Networks.names.IPAddress}}", "before")
    #expect(lookup("before", on: "names").contains("Address: \(ip)"))

    #expect(box.berth(["rename", "before", "after"]).code == 0)
    #expect(lookup("after", on: "names").contains("Address: \(ip)"))
    #expect(!lookup("before", on: "names").contains(ip))

    // A container connected later answers by its name and alias; disconnected, it does not.
    box.berth(["run", "-d", "--name", "late", "busybox", "sleep", "100"])
    #expect(box.berth(["network", "connect", "--alias", "tardy", "names", "late"]).code == 0)
    let lateIP = box.value("{{.NetworkSettings.Networks.names.IPAddress}}", "late")
    #expect(lookup("tardy", on: "names").contains("Address: \(lateIP)"))
    #expect(box.berth(["network", "disconnect", "names", "late"]).code == 0)
    #expect(!lookup("late", on: "names").contains(lateIP))

    #expect(box.berth(["stop", "-t", "0", "after"]).code == 0)
    #expect(!lookup("after", on: "names").contains(ip))
    #expect(box.berth(["start", "after"]).code == 0)
    let again = box.value("{{.NetworkSettings.Networks.names.IPAddress}}", "after")
    #expect(lookup("after", on: "names").contains("Address: \(again)"))
  }

  @Test func dnsAndHostsOptionsOnAUserNetwork() throws {
    #expect(box.berth(["network", "create", "opts"]).code == 0)
    let gateway = box.networkValue("{{(index .IPAM.Config 0).Gateway}}", "opts")
    let bridgeGateway = box.networkValue("{{(index .IPAM.Config 0).Gateway}}", "bridge")
    let r = box.berth([
      "run", "--rm", "--network", "opts", "--dns", "192.0.2.53", "--dns-search", "example.test", "--dns-option",
      "attempts:2", "--add-host", "outside:host-gateway", "--add-host", "db.local:10.1.2.3", "busybox", "cat",
      "/etc/resolv.conf", "/etc/hosts",
    ])
    #expect(r.code == 0, "\(r.err)")
    // Docker writes its embedded DNS and forwards to the --dns servers; Berth's listens on the gateway.
    #expect(r.out.contains("nameserver \(gateway)\n"), "\(r.out)")
    #expect(!r.out.contains("192.0.2.53"))
    #expect(r.out.contains("search example.test\n"))
    #expect(r.out.contains("options attempts:2 ndots:0\n"))
    #expect(r.out.contains("\(bridgeGateway)\toutside\n"))
    #expect(r.out.contains("10.1.2.3\tdb.local\n"))
    let plain = box.berth(["run", "--rm", "--network", "opts", "busybox", "cat", "/etc/resolv.conf"]).out
    #expect(plain.contains("options ndots:0\n"), "\(plain)")
  }

  @Test func theEmbeddedDNSForwardsToTheContainersDNSServers() throws {
    // A DNS server on a loopback address that answers every A question with 10.9.8.7.
    let script = """
      import socket
      s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      s.bind(("127.0.0.77", 53))
      while True:
          q, a = s.recvfrom(512)
          end = 12
          while q[end] != 0:
              end += q[end] + 1
          question = q[12:end + 5]
          if q[end + 1:end + 3] == b"\\x00\\x01":
              answer = b"\\xc0\\x0c\\x00\\x01\\x00\\x01\\x00\\x00\\x00\\x3c\\x00\\x04" + bytes([10, 9, 8, 7])
              s.sendto(q[:2] + b"\\x81\\x80\\x00\\x01\\x00\\x01\\x00\\x00\\x00\\x00" + question + answer, a)
          else:
              s.sendto(q[:2] + b"\\x81\\x80\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00" + question, a)
      """
    let server = try BerthFixture.startServer("/usr/bin/python3", ["-c", script])
    defer { BerthFixture.stop(server) }
    #expect(box.berth(["network", "create", "fwd"]).code == 0)
    box.web(["--name", "local", "--network", "fwd"])
    var out = ""
    for _ in 0..<20 {
      out = lookup("anything.example", on: "fwd", ["--dns", "127.0.0.77"])
      if out.contains("10.9.8.7") { break }
      usleep(100_000)
    }
    #expect(out.contains("Address: 10.9.8.7"), "\(out)")
    // Names on the network still come from the embedded DNS.
    let ip = box.value("{{.NetworkSettings.Networks.fwd.IPAddress}}", "local")
    #expect(lookup("local", on: "fwd", ["--dns", "127.0.0.77"]).contains("Address: \(ip)"))
  }
}
