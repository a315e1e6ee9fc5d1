import Foundation
import Testing

/// Networks, published ports, events and docker-compose through `berth daemon`, driven by the
/// real Docker CLI and docker-compose 1.29.2 (PyPI, in a venv made by scripts/compose-venv.sh).
@Suite(
  .enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/docker"), "needs root and docker"),
  .serialized)
struct DaemonNetworkTests {
  @Test func networksAliasesAndPublishedPorts() throws {
    let box = try Sandbox()
    let d = try Daemon(box)
    let created = d.docker(["network", "create", "--label", "app=yes", "app"])
    #expect(created.code == 0)
    let id = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(id.count == 64)
    #expect(d.docker(["network", "create", "app"]).err.contains("already exists"))
    #expect(d.docker(["network", "ls", "--format", "{{.Name}}"]).out == "app\nbridge\nhost\nnone\n")
    #expect(d.docker(["network", "ls", "-q", "--filter", "label=app=yes"]).out == String(id.prefix(12)) + "\n")
    #expect(d.docker(["network", "inspect", "-f", "{{.Driver}} {{.Scope}}", "app"]).out == "bridge local\n")

    let server = ["sh", "-c", "while true; do echo pong | nc -l -p 6379; done"]
    #expect(
      d.docker(["run", "-d", "--name", "db", "--network", "app", "--network-alias", "cache", "busybox"] + server).code
        == 0)
    #expect(d.docker(["inspect", "-f", "{{index .NetworkSettings.Networks.app.Aliases 1}}", "db"]).out == "cache\n")
    var reply = ""
    waitUntil {
      reply = d.docker(["run", "--rm", "--network", "app", "busybox", "sh", "-c", "nc cache 6379 </dev/null"]).out
      return reply == "pong\n"
    }
    #expect(reply == "pong\n")
    #expect(d.docker(["network", "inspect", "-f", "{{len .Containers}}", "app"]).out == "1\n")

    #expect(
      d.docker(["run", "-d", "--name", "web", "-p", "4731:80", "busybox", "httpd", "-f", "-p", "80", "-h", "/etc"]).code
        == 0)
    var page = ""
    waitUntil {
      page = BerthFixture.shell("curl -s http://127.0.0.1:4731/passwd").out
      return page.hasPrefix("root:")
    }
    #expect(page.hasPrefix("root:"))
    // With the IPv6 twin (":::4731->80/tcp") on a host with IPv6, as Docker prints it.
    #expect(
      d.docker(["ps", "--format", "{{.Names}} {{.Ports}}", "--filter", "name=web"]).out
        .hasPrefix("web 0.0.0.0:4731->80/tcp"))
    #expect(d.docker(["port", "web"]).out.contains("80/tcp -> 0.0.0.0:4731"))

    // connect and disconnect a running container
    #expect(d.docker(["network", "connect", "--alias", "front", "app", "web"]).code == 0)
    #expect(d.docker(["inspect", "-f", "{{len .NetworkSettings.Networks}}", "web"]).out == "2\n")
    let viaAlias = d.docker(["exec", "db", "sh", "-c", "wget -q -O - http://front/passwd | head -1"])
    #expect(viaAlias.out == "root:x:0:0:root:/root:/bin/sh\n")
    #expect(d.docker(["network", "disconnect", "app", "web"]).code == 0)
    #expect(d.docker(["inspect", "-f", "{{len .NetworkSettings.Networks}}", "web"]).out == "1\n")

    let busy = d.docker(["network", "rm", "app"])
    #expect(busy.code != 0)
    #expect(busy.err.contains("active endpoints"))
    #expect(d.docker(["network", "rm", "bridge"]).code != 0)
    #expect(d.docker(["rm", "-f", "db", "web"]).code == 0)
    #expect(d.docker(["network", "rm", "app"]).out == "app\n")
    #expect(d.docker(["network", "inspect", "app"]).code != 0)
    #expect(d.docker(["network", "create", "gone"]).code == 0)
    #expect(d.docker(["network", "prune", "-f"]).out.contains("gone"))
  }

  /// `docker events` through the daemon shows what the daemonless CLI did too.
  @Test func eventsIncludeTheCLIsActions() throws {
    let box = try Sandbox()
    let d = try Daemon(box)
    let since = String(Int(Date().timeIntervalSince1970) - 1)
    let follower = try d.dockerInBackground(["events", "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}"])
    usleep(300_000)
    #expect(box.berth(["run", "--name", "fromcli", "busybox", "true"]).code == 0)
    #expect(box.berth(["rm", "fromcli"]).code == 0)
    #expect(d.docker(["run", "--rm", "--name", "fromapi", "busybox", "sh", "-c", "exit 3"]).code == 3)
    #expect(d.docker(["volume", "create", "data"]).code == 0)
    #expect(d.docker(["network", "create", "evnet"]).code == 0)
    #expect(box.berth(["network", "create", "clinet"]).code == 0)
    #expect(box.berth(["network", "rm", "clinet"]).code == 0)
    #expect(d.docker(["tag", "busybox", "bb:copy"]).code == 0)
    let until = String(Int(Date().timeIntervalSince1970) + 1)
    let past = d.docker([
      "events", "--since", since, "--until", until, "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}",
    ])
    #expect(past.code == 0)
    let lines = past.out.split(separator: "\n").map(String.init)
    for expected in [
      "container create fromcli", "container start fromcli", "container die fromcli", "container destroy fromcli",
      "container create fromapi", "container start fromapi", "container die fromapi", "container destroy fromapi",
      "volume create <no value>", "network create evnet", "network create clinet", "network destroy clinet",
      "image tag bb:copy",
    ] {
      #expect(lines.contains(expected), "missing \(expected) in \(lines)")
    }
    let died = d.docker([
      "events", "--since", since, "--until", until, "--filter", "event=die", "--filter", "container=fromapi",
      "--format", "{{.Actor.Attributes.exitCode}}",
    ])
    #expect(died.out == "3\n")
    // The follower saw them as they happened.
    waitUntil {
      (try? String(contentsOfFile: follower.output, encoding: .utf8))?.contains("network create evnet") == true
    }
    let live = (try? String(contentsOfFile: follower.output, encoding: .utf8)) ?? ""
    follower.process.terminate()
    follower.process.waitUntilExit()
    #expect(live.contains("container die fromcli"))
    #expect(live.contains("container destroy fromapi"))
  }

  /// docker-compose 1.29.2 runs a web + redis-like stack: web reaches the other service by name.
  @Test(.timeLimit(.minutes(5))) func composeUpPsLogsDown() throws {
    let setup = BerthFixture.shell("\(BerthFixture.repo)/scripts/compose-venv.sh")
    try #require(setup.code == 0, "compose venv: \(setup.err)")
    let compose = setup.out.trimmingCharacters(in: .whitespacesAndNewlines)
    let box = try Sandbox()
    let d = try Daemon(box)
    let project = box.execRoot + "/project"
    try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
    try """
    version: "2.4"
    services:
      redis:
        image: busybox
        command: sh -c 'while true; do echo PONG | nc -l -p 6379; done'
      web:
        image: busybox
        command: sh -c 'sleep 1; echo "web got $$(nc redis 6379 </dev/null)"; exec httpd -f -p 80 -h /etc'
        ports: ["4732:80"]
        depends_on: [redis]
    """.write(toFile: project + "/docker-compose.yml", atomically: true, encoding: .utf8)
    func run(_ args: [String]) -> (code: Int32, out: String, err: String) {
      BerthFixture.run(
        compose, ["--project-directory", project, "-f", project + "/docker-compose.yml", "-p", "stack"] + args,
        env: ["DOCKER_HOST": "unix://" + d.socket, "DOCKER_CONFIG": box.execRoot + "/docker"])
    }
    let up = run(["up", "-d"])
    #expect(up.code == 0, "\(up.err)")
    #expect(up.err.contains("Creating network \"stack_default\""))
    let ps = run(["ps"])
    #expect(ps.out.contains("stack_web_1"))
    #expect(ps.out.contains("stack_redis_1"))
    #expect(ps.out.contains("0.0.0.0:4732->80/tcp"))
    var logs = ""
    waitUntil(seconds: 10) {
      logs = run(["logs", "--no-color", "web"]).out
      return logs.contains("web got PONG")
    }
    #expect(logs.contains("web got PONG"))
    #expect(BerthFixture.shell("curl -s http://127.0.0.1:4732/passwd").out.hasPrefix("root:"))
    let down = run(["down", "-t", "1"])
    #expect(down.code == 0, "\(down.err)")
    #expect(down.err.contains("Removing network stack_default"))
    #expect(d.docker(["ps", "-aq"]).out.isEmpty)
    #expect(d.docker(["network", "ls", "-q", "--filter", "name=stack"]).out.isEmpty)
  }
}

extension Daemon {
  /// Runs the Docker CLI against the daemon in the background; its output goes to a file.
  func dockerInBackground(_ args: [String]) throws -> (process: Process, output: String) {
    let output = box.execRoot + "/docker-\(UUID().uuidString.prefix(8)).out"
    _ = FileManager.default.createFile(atPath: output, contents: nil)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/docker")
    p.arguments = ["-H", "unix://" + socket] + args
    p.environment = ProcessInfo.processInfo.environment.merging(["DOCKER_CONFIG": box.execRoot + "/docker"]) { $1 }
    p.standardOutput = FileHandle(forWritingAtPath: output)
    p.standardError = FileHandle.nullDevice
    try p.run()
    return (p, output)
  }
}
