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
    #expect(refused.err.contains("without --tlsverify"))
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

  /// `--tlsverify`: the Docker CLI with a client certificate from the CA gets in, over TLS on any
  /// address; without a certificate, or over plain HTTP, it does not.
  @Test func tlsVerifyNeedsAClientCertificateFromTheCA() throws {
    let box = try Sandbox()
    let dir = box.execRoot + "/tls"
    let make = BerthFixture.shell(
      """
      set -e; mkdir -p \(dir); cd \(dir)
      openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-ca -keyout ca-key.pem -out ca.pem 2>/dev/null
      openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server-key.pem -out server.csr 2>/dev/null
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > server.ext
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 -extfile server.ext -out server.pem 2>/dev/null
      openssl req -newkey rsa:2048 -nodes -subj /CN=client -keyout key.pem -out client.csr 2>/dev/null
      printf 'extendedKeyUsage=clientAuth\\n' > client.ext
      openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 -extfile client.ext -out cert.pem 2>/dev/null
      """)
    try #require(make.code == 0, "\(make.err)")
    let p = try box.background([
      "daemon", "-H", "tcp://0.0.0.0:2399", "-H", "unix://" + box.execRoot + "/api.sock", "--tlsverify",
      "--tlscacert", dir + "/ca.pem", "--tlscert", dir + "/server.pem", "--tlskey", dir + "/server-key.pem",
    ])
    defer {
      kill(p.processIdentifier, SIGTERM)
      p.waitUntilExit()
    }
    let env = ["DOCKER_CONFIG": box.execRoot + "/docker"]
    func docker(_ flags: [String]) -> (code: Int32, out: String, err: String) {
      BerthFixture.run(
        "/usr/bin/docker", flags + ["-H", "tcp://127.0.0.1:2399", "version", "-f", "{{.Server.APIVersion}}"], env: env)
    }
    let client = [
      "--tlsverify", "--tlscacert", dir + "/ca.pem", "--tlscert", dir + "/cert.pem", "--tlskey", dir + "/key.pem",
    ]
    var version = ""
    waitUntil {
      version = docker(client).out; return version == "1.44\n"
    }
    #expect(version == "1.44\n")
    // A hijacked attach (run in the foreground) works through TLS too.
    let run = BerthFixture.run(
      "/usr/bin/docker", client + ["-H", "tcp://127.0.0.1:2399", "run", "--rm", "busybox", "echo", "over tls"], env: env
    )
    #expect(run.out == "over tls\n", "\(run.err)")
    #expect(docker(["--tlsverify", "--tlscacert", dir + "/ca.pem"]).code != 0)
    #expect(docker([]).code != 0)
  }
}
