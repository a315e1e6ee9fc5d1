import Foundation

/// What the network suites share: a busybox web server in a container and a host-side fetch
/// (to loopback, the host's own address and containers' addresses only).
extension Sandbox {
  /// `run -d args… busybox httpd` serving `text` at /index.html on port; returns the id.
  @discardableResult
  func web(_ args: [String], text: String = "hello", port: Int = 80) -> String {
    let script = "echo \(text) > /tmp/index.html; exec httpd -f -p \(port) -h /tmp"
    return berth(["run", "-d"] + args + ["busybox", "sh", "-c", script]).out
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// `network inspect -f format network`, trimmed.
  func networkValue(_ format: String, _ network: String) -> String {
    berth(["network", "inspect", "-f", format, network]).out.trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

/// Whether the host has IPv6 loopback: published TCP ports then also listen on `[::]`.
let hostHasIPv6 =
  ((try? String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8)) ?? "")
  .contains("00000000000000000000000000000001")

/// curl from the host, with a 5 s limit; the body, trimmed (empty on failure).
func fetch(_ url: String, _ options: String = "") -> String {
  BerthFixture.shell("curl -s -m 5 \(options) '\(url)'").out.trimmingCharacters(in: .whitespacesAndNewlines)
}
