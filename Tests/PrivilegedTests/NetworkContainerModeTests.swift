import Foundation
import Testing

/// `--network container:NAME|ID`: the second container lives in the first one's network
/// namespace, shares its hostname, hosts and resolv.conf, and is refused Docker's conflicting
/// options.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct NetworkContainerModeTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  @Test func aContainerJoinsAnotherOnesNetwork() throws {
    let port = NetworkTests.freePort()
    box.web(["--name", "front", "--hostname", "front-host", "-p", "\(port):80"], text: "front")
    let side = box.berth([
      "run", "-d", "--name", "side", "--network", "container:front", "busybox", "sh", "-c",
      "echo side > /tmp/i.html; exec httpd -f -p 8081 -h /tmp",
    ])
    #expect(side.code == 0, "\(side.err)")
    let frontID = box.value("{{.Id}}", "front")
    #expect(box.value("{{.HostConfig.NetworkMode}}", "side") == "container:\(frontID)")
    #expect(box.value("{{.Config.Hostname}}", "side") == "front-host")
    #expect(box.value("{{.NetworkSettings.IPAddress}}", "side") == "")
    #expect(box.value("{{.HostsPath}}", "side") == box.value("{{.HostsPath}}", "front"))
    // The second server answers on the first one's address; the first one's published port
    // still serves the first.
    let ip = box.value("{{.NetworkSettings.IPAddress}}", "front")
    waitUntil { fetch("http://\(ip):8081/i.html") == "side" }
    #expect(fetch("http://\(ip):8081/i.html") == "side")
    waitUntil { fetch("http://127.0.0.1:\(port)/index.html") == "front" }
    #expect(fetch("http://127.0.0.1:\(port)/index.html") == "front")

    let r = box.berth([
      "run", "--rm", "--network", "container:\(frontID.prefix(12))", "busybox", "sh", "-c",
      "hostname; wget -qO- http://127.0.0.1/index.html; ip -o -4 addr show eth0; cat /etc/hosts",
    ])
    #expect(r.out.hasPrefix("front-host\nfront\n"), "\(r.out) \(r.err)")
    #expect(r.out.contains("inet \(ip)/"))
    #expect(r.out.contains("\(ip)\tfront-host"))
  }

  @Test func conflictingOptionsAndStoppedTargetsAreRefused() throws {
    box.berth(["run", "-d", "--name", "base", "busybox", "sleep", "100"])
    let cases: [([String], String)] = [
      (["-p", "9999:80"], "conflicting options: port publishing and the container type network mode"),
      (["-P"], "conflicting options: port publishing and the container type network mode"),
      (["--hostname", "x"], "conflicting options: hostname and the network mode"),
      (["--dns", "192.0.2.1"], "conflicting options: dns and the network mode"),
      (["--add-host", "a:192.0.2.1"], "conflicting options: custom host-to-IP mapping and the network mode"),
      (["--expose", "80"], "conflicting options: port exposing and the container type network mode"),
    ]
    for (flags, message) in cases {
      let r = box.berth(["create", "--network", "container:base"] + flags + ["busybox", "true"])
      #expect(r.code == 125, "\(flags)")
      #expect(r.err.contains(message), "\(flags): \(r.err)")
    }
    let missing = box.berth(["run", "--rm", "--network", "container:nosuch", "busybox", "true"])
    #expect(missing.code == 125)
    #expect(missing.err.contains("No such container: nosuch"), "\(missing.err)")

    #expect(box.berth(["create", "--name", "later", "--network", "container:base", "busybox", "true"]).code == 0)
    #expect(box.berth(["network", "create", "extra"]).code == 0)
    #expect(
      box.berth(["network", "connect", "extra", "later"]).err.contains(
        "container sharing network namespace with another container or host cannot be connected to any other network"))
    box.berth(["stop", "-t", "0", "base"])
    let s = box.berth(["start", "later"])
    #expect(s.code != 0)
    #expect(s.err.contains("cannot join network of a non running container"), "\(s.err)")
  }
}
