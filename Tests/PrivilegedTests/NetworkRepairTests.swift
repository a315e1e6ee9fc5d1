import Foundation
import Testing

/// Berth's firewall rules come back after someone else removed them, and its stale rules go,
/// with the next command. Run in a network namespace of its own, so flushing the rules there
/// disturbs nothing else on the host.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct NetworkRepairTests {
  let box: Sandbox
  let namespace = "berth-repair-\(UInt32.random(in: 0...UInt32.max))"

  init() throws {
    box = try Sandbox()
    BerthFixture.shell("ip netns add \(namespace) && ip -n \(namespace) link set lo up")
  }

  /// Runs a shell command in the namespace.
  @discardableResult
  func inside(_ command: String) -> (code: Int32, out: String, err: String) {
    let quoted = "'" + command.replacingOccurrences(of: "'", with: "'\\''") + "'"
    return BerthFixture.shell("ip netns exec \(namespace) sh -c \(quoted)")
  }

  /// Runs berth with the sandbox's roots in the namespace.
  @discardableResult
  func berth(_ args: [String]) -> (code: Int32, out: String, err: String) {
    BerthFixture.run(
      "/usr/bin/ip",
      ["netns", "exec", namespace, BerthFixture.berth, "--data-root", box.dataRoot, "--exec-root", box.execRoot]
        + args)
  }

  func curl(_ port: Int) -> String {
    inside("curl -s -m 3 http://127.0.0.1:\(port)/index.html").out.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test func flushedRulesComeBackAndStaleOnesGo() throws {
    defer {
      berth(["__networks-cleanup"])
      BerthFixture.shell("ip netns del \(namespace)")
    }
    let port = 8080
    let run = berth([
      "run", "-d", "--name", "keep", "-p", "\(port):80", "busybox", "sh", "-c",
      "echo kept > /tmp/index.html; exec httpd -f -p 80 -h /tmp",
    ])
    #expect(run.code == 0, "\(run.err)")
    waitUntil { curl(port) == "kept" }
    #expect(curl(port) == "kept")

    // A firewall reload that knows nothing of Berth: every BERTH chain and jump gone, and a
    // rule of someone else's.
    #expect(inside("iptables-save | grep -v BERTH | iptables-restore").code == 0)
    inside("iptables -w -A INPUT -s 192.0.2.9 -j DROP")
    #expect(!inside("iptables-save").out.contains("BERTH"))
    #expect(curl(port).isEmpty)

    #expect(berth(["ps"]).code == 0)
    #expect(curl(port) == "kept")
    let rules = inside("iptables-save").out
    #expect(rules.contains("-A FORWARD -j BERTH-FORWARD"))
    #expect(rules.contains("-A INPUT -s 192.0.2.9/32 -j DROP"))

    // A partial reload: Berth's jump from PREROUTING and a container's DNAT rule gone, and a
    // rule of a bridge that no longer exists left behind (stale). All is set right.
    inside("iptables -w -t nat -A BERTH-POSTROUTING -s 10.99.0.0/16 ! -o berthdead -j MASQUERADE")
    inside("iptables -w -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j BERTH")
    let tag = "berth:" + box.value("{{.Id}}", "keep").prefix(12)
    let dnat = inside("iptables -w -t nat -S BERTH").out.split(separator: "\n").first { $0.contains(tag) }
    #expect(dnat != nil)
    if let dnat { inside("iptables -w -t nat " + "-D" + dnat.dropFirst(2)) }
    #expect(curl(port).isEmpty)
    #expect(berth(["ps"]).code == 0)
    let after = inside("iptables-save").out
    #expect(!after.contains("berthdead"))
    #expect(after.contains(tag))
    #expect(after.contains("-A PREROUTING -m addrtype --dst-type LOCAL -j BERTH"))
    #expect(curl(port) == "kept")
    // Nothing to do: no rule is added twice.
    #expect(berth(["ps"]).code == 0)
    #expect(inside("iptables-save").out.components(separatedBy: tag).count == 2)
    #expect(berth(["rm", "-f", "keep"]).code == 0)
  }
}
