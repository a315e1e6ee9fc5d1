import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Who can reach `berth daemon`: the unix socket's mode, TCP on loopback only, body limits.
@Suite(
  .enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/docker"), "needs root and docker"),
  .serialized)
struct DaemonAccessTests {
  @Test func tcpOnLoopbackOnlyAndSocketMode() throws {
    let box = try Sandbox()
    let refused = box.berth(["daemon", "-H", "tcp://0.0.0.0:2398"])
    #expect(refused.code != 0)
    #expect(refused.err.contains("without TLS"))
    let socket = box.execRoot + "/api.sock"
    let p = try box.background(["daemon", "-H", "tcp://127.0.0.1:2398", "-H", "unix://" + socket])
    defer {
      kill(p.processIdentifier, SIGTERM)
      p.waitUntilExit()
    }
    let env = ["DOCKER_CONFIG": box.execRoot + "/docker"]
    var version = ""
    waitUntil {
      version =
        BerthFixture.run(
          "/usr/bin/docker", ["-H", "tcp://127.0.0.1:2398", "version", "-f", "{{.Server.APIVersion}}"], env: env
        ).out
      return version == "1.44\n"
    }
    #expect(version == "1.44\n")
    var st = stat()
    #expect(stat(socket, &st) == 0)
    #expect(st.st_mode & 0o777 == 0o660)
    #expect(st.st_uid == 0)
    // A JSON body above the in-memory limit is still read (up to 16 MiB); a malformed one is a 400.
    let big =
      "{\"Image\":\"busybox\",\"Cmd\":[\"true\"],\"Labels\":{\"big\":\"" + String(repeating: "y", count: 3_000_000)
      + "\"}}"
    let created = BerthFixture.shell(
      "curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @- http://127.0.0.1:2398/containers/create",
      stdin: big)
    #expect(created.out == "201")
    let bad = BerthFixture.shell(
      "curl -s -w ' %{http_code}' -H 'Content-Type: application/json' --data-binary '{bad' http://127.0.0.1:2398/v1.44/containers/create"
    )
    #expect(bad.out.hasSuffix(" 400"))
    #expect(bad.out.contains("\"message\""))
    #expect(
      BerthFixture.shell("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:2398/v1.30/nosuch").out == "404")
  }
}
