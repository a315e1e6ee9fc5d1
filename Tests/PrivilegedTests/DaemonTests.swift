import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `berth daemon` on a socket in a sandbox's exec root, driven by the real Docker CLI.
final class Daemon {
  let box: Sandbox
  let socket: String
  private var process: Process?

  /// Extra environment of the daemon process.
  let environment: [String: String]

  init(_ box: Sandbox, environment: [String: String] = [:]) throws {
    self.box = box
    self.environment = environment
    socket = box.execRoot + "/berth.sock"
    try start()
  }

  deinit { stop() }

  /// Starts the daemon and waits until `_ping` answers.
  func start() throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: BerthFixture.berth)
    p.arguments = ["--data-root", box.dataRoot, "--exec-root", box.execRoot, "daemon", "-H", "unix://" + socket]
    if !environment.isEmpty {
      p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    process = p
    let end = Date().addingTimeInterval(10)
    while Date() < end {
      if docker(["version", "--format", "{{.Server.APIVersion}}"]).code == 0 { return }
      usleep(50_000)
    }
    throw SandboxError(message: "the daemon did not answer on \(socket)")
  }

  /// Kills the daemon with SIGKILL.
  func kill() {
    guard let p = process else { return }
    Glibc.kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    process = nil
  }

  func stop() {
    guard let p = process else { return }
    Glibc.kill(p.processIdentifier, SIGTERM)
    p.waitUntilExit()
    process = nil
  }

  /// Runs the Docker CLI against the daemon.
  @discardableResult
  func docker(_ args: [String], stdin: String? = nil, env: [String: String] = [:]) -> (
    code: Int32, out: String, err: String
  ) {
    BerthFixture.run(
      "/usr/bin/docker", ["-H", "unix://" + socket] + args,
      env: ["DOCKER_CONFIG": box.execRoot + "/docker"].merging(env) { $1 },
      stdin: stdin)
  }
}

@Suite(
  .enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/docker"), "needs root and docker"),
  .serialized)
struct DaemonTests {
  @Test func versionImagesAndForegroundRun() throws {
    let box = try Sandbox()
    let d = try Daemon(box)
    #expect(d.docker(["version", "--format", "{{.Server.APIVersion}} {{.Server.Os}}"]).out == "1.44 linux\n")
    #expect(d.docker(["info", "--format", "{{.OSType}} {{.Driver}}"]).out == "linux overlay2\n")
    let images = d.docker(["images"])
    #expect(images.code == 0)
    #expect(images.out.hasPrefix("REPOSITORY"))
    #expect(images.out.contains("busybox"))
    let hi = d.docker(["run", "--rm", "busybox", "echo", "hi"])
    #expect(hi.code == 0)
    #expect(hi.out == "hi\n")
    let failing = d.docker(["run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3"])
    #expect(failing.code == 3)
    #expect(failing.out == "out\n")
    #expect(failing.err == "err\n")
    let cat = d.docker(["run", "--rm", "-i", "busybox", "cat"], stdin: "from stdin\n")
    #expect(cat.out == "from stdin\n")
    // A --rm container that fails to start is removed, which is what the CLI waits for.
    let missing = d.docker(["run", "--rm", "busybox", "/nonexistent"])
    #expect(missing.code == 127)
    #expect(missing.err.contains("/nonexistent"))
    #expect(d.docker(["ps", "-aq"]).out.isEmpty)
  }

  @Test func detachedContainerThroughTheAPI() throws {
    let box = try Sandbox()
    let d = try Daemon(box)
    let run = d.docker(["run", "-d", "--name", "web", "busybox", "sh", "-c", "echo started; exec sleep 1000"])
    #expect(run.code == 0)
    let id = run.out.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(id.count == 64)
    let ps = d.docker(["ps"])
    #expect(ps.out.contains("web"))
    #expect(ps.out.contains("Up "))
    #expect(d.docker(["ps", "-q", "--filter", "name=web"]).out == String(id.prefix(12)) + "\n")
    waitUntil { d.docker(["logs", "web"]).out == "started\n" }
    #expect(d.docker(["logs", "web"]).out == "started\n")
    #expect(d.docker(["exec", "web", "echo", "from exec"]).out == "from exec\n")
    #expect(d.docker(["exec", "web", "sh", "-c", "exit 5"]).code == 5)
    #expect(d.docker(["exec", "-i", "web", "cat"], stdin: "piped\n").out == "piped\n")
    #expect(d.docker(["inspect", "--format", "{{.State.Status}}", "web"]).out == "running\n")
    #expect(d.docker(["stop", "-t", "1", "web"]).code == 0)
    #expect(d.docker(["inspect", "--format", "{{.State.Status}}", "web"]).out == "exited\n")
    #expect(d.docker(["ps", "-a"]).out.contains("Exited (137)"))
    #expect(d.docker(["rm", "web"]).code == 0)
    let missing = d.docker(["rm", "nosuch"])
    #expect(missing.code != 0)
    #expect(missing.err.contains("No such container: nosuch"))
    #expect(d.docker(["inspect", "nosuch"]).code != 0)
  }

  @Test func legacyBuild() throws {
    let box = try Sandbox()
    let d = try Daemon(box)
    let ctx = box.execRoot + "/ctx"
    try FileManager.default.createDirectory(atPath: ctx, withIntermediateDirectories: true)
    try
      "FROM busybox\nWORKDIR /app\nCOPY . /app\nRUN echo built > /app/x\nENV NAME World\nCMD [\"cat\", \"/app/x\", \"/app/hello.txt\"]\n"
      .write(toFile: ctx + "/Dockerfile", atomically: true, encoding: .utf8)
    try "hello\n".write(toFile: ctx + "/hello.txt", atomically: true, encoding: .utf8)
    let build = d.docker(["build", "-t", "friendlyhello", ctx], env: ["DOCKER_BUILDKIT": "0"])
    #expect(build.code == 0)
    #expect(build.out.contains("Step 1/6 : FROM busybox"))
    #expect(build.out.contains("Successfully tagged friendlyhello:latest"))
    #expect(d.docker(["images"]).out.contains("friendlyhello"))
    #expect(d.docker(["run", "--rm", "friendlyhello"]).out == "built\nhello\n")
    let bad = box.execRoot + "/bad"
    try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: true)
    try "FROM busybox\nRUN exit 7\n".write(toFile: bad + "/Dockerfile", atomically: true, encoding: .utf8)
    let failed = d.docker(["build", bad], env: ["DOCKER_BUILDKIT": "0"])
    #expect(failed.code != 0)
  }

  @Test func containersOfTheCLIAndTheDaemonAreShared() throws {
    let box = try Sandbox()
    let d = try Daemon(box)
    #expect(box.berth(["run", "-d", "--name", "fromcli", "busybox", "sleep", "1000"]).code == 0)
    #expect(d.docker(["ps", "--format", "{{.Names}}"]).out == "fromcli\n")
    #expect(d.docker(["stop", "-t", "1", "fromcli"]).code == 0)
    #expect(box.berth(["ps", "-a"]).out.contains("Exited (137)"))
    #expect(d.docker(["run", "-d", "--name", "fromapi", "busybox", "sleep", "1000"]).code == 0)
    #expect(box.berth(["ps"]).out.contains("fromapi"))
    #expect(box.berth(["rm", "-f", "fromapi", "fromcli"]).code == 0)
    #expect(d.docker(["ps", "-aq"]).out.isEmpty)
  }

  /// The daemon and the helpers it spawns skip the parse of the whole command tree: their
  /// arguments, help and errors work as before, and a BERTH_TRACE file gets every process's
  /// marks (the helpers' stderr is /dev/null).
  @Test func daemonArgumentsHelpersAndTraceFile() throws {
    let box = try Sandbox()
    let help = box.berth(["daemon", "--help"])
    #expect(help.code == 0)
    #expect(help.out.contains("--insecure-registry"))
    let bad = box.berth(["daemon", "--no-such-flag"])
    #expect(bad.code != 0)
    #expect(bad.err.contains("--no-such-flag"))
    // The exit hook of a container that is gone does nothing; a helper with arguments it does
    // not take is refused by the parser.
    #expect(box.berth(["__exited", String(repeating: "0", count: 64)]).code == 0)
    #expect(box.berth(["__exited", "abc", "extra"]).code != 0)
    let trace = box.execRoot + "/trace.log"
    let d = try Daemon(box, environment: ["BERTH_TRACE": trace])
    let run = d.docker(["run", "--rm", "busybox", "sh", "-c", "echo hi; exit 4"])
    #expect(run.code == 4)
    #expect(run.out == "hi\n")
    #expect(d.docker(["ps", "-aq"]).out.isEmpty)
    let marks = (try? String(contentsOfFile: trace, encoding: .utf8)) ?? ""
    #expect(marks.contains("/containers/create"))
    #expect(marks.contains("monitor helper: container started"))
    #expect(marks.contains("exit hook done"))
    // One line per mark: "trace PID SECONDS.MICROS label", from the daemon and from the helper
    // (monitor, then exit hook: one process).
    let pids = Set(marks.split(separator: "\n").map { $0.split(separator: " ")[1] })
    #expect(pids.count >= 2)
  }

  @Test func containersOutliveAKilledDaemon() throws {
    let box = try Sandbox()
    let d = try Daemon(box)
    let script = "i=0; while true; do echo line $i; i=$((i+1)); sleep 0.1; done"
    #expect(d.docker(["run", "-d", "--name", "ticker", "busybox", "sh", "-c", script]).code == 0)
    d.kill()
    usleep(300_000)
    #expect(box.berth(["ps"]).out.contains("ticker"))
    try d.start()
    #expect(d.docker(["ps", "--format", "{{.Names}} {{.State}}"]).out == "ticker running\n")
    let logs = d.docker(["logs", "ticker"]).out.split(separator: "\n")
    #expect(logs.count >= 3)
    #expect(logs.enumerated().allSatisfy { $0.element == "line \($0.offset)" })
    #expect(d.docker(["rm", "-f", "ticker"]).code == 0)
  }
}
