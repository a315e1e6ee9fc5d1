import Foundation
import Testing

/// The tutorial end to end, exactly as the README's first command runs it (`scripts/demo.sh`),
/// with the berth under test and temporary roots: a Debian base bootstrapped with debootstrap
/// (cached), python:3-slim and redis built from examples/, friendlyhello built from the
/// tutorial's Dockerfile, Redis and the app on one network, the page fetched twice through the
/// published port.
@Suite(
  .enabled(
    if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/sbin/debootstrap"), "needs root, debootstrap"))
struct TutorialTests {
  @Test func demoRunsTheTutorial() throws {
    let box = try Sandbox(image: false)
    let port = 14_000 + Int(getpid() % 1000)
    let r = BerthFixture.run(
      "\(BerthFixture.repo)/scripts/demo.sh", [],
      env: [
        "BERTH": BerthFixture.berth, "BERTH_DATA_ROOT": box.dataRoot, "BERTH_EXEC_ROOT": box.execRoot,
        "DEMO_PORT": "\(port)",
      ])
    #expect(r.code == 0, "demo failed:\n\(r.out.suffix(3000))\n\(r.err.suffix(3000))")
    let pages = r.out.split(separator: "\n").filter { $0.hasPrefix("<h3>Hello World!</h3>") }
    #expect(pages.count == 2)
    #expect(pages.first?.hasSuffix("<b>Visits:</b> 1") == true)
    #expect(pages.last?.hasSuffix("<b>Visits:</b> 2") == true)

    // A layered image: one layer per filesystem step on top of python:3-slim's.
    let base = box.berth(["image", "inspect", "-f", "{{len .RootFS.Layers}}", "python:3-slim"])
    let app = box.berth(["image", "inspect", "-f", "{{len .RootFS.Layers}}", "friendlyhello"])
    #expect(
      Int(app.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        == (Int(base.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -10) + 3)
    // Nothing the demo started is left behind.
    #expect(box.berth(["ps", "-aq", "--filter", "status=running"]).out.isEmpty)
    #expect(!box.berth(["network", "ls"]).out.contains("friendlyhello"))

    try throughTheDaemon(box, port: port + 1)
  }

  /// The same tutorial through `berth daemon` with the real Docker CLI and docker-compose 1.29.2:
  /// `docker build` (every step from the cache the CLI's build left), `docker images`, then the
  /// example's docker-compose.yml (the app and Redis) up, two visits, down.
  func throughTheDaemon(_ box: Sandbox, port: Int) throws {
    let setup = BerthFixture.shell("\(BerthFixture.repo)/scripts/compose-venv.sh")
    try #require(setup.code == 0, "compose venv: \(setup.err)")
    let compose = setup.out.trimmingCharacters(in: .whitespacesAndNewlines)
    let d = try Daemon(box)
    let example = "\(BerthFixture.repo)/examples/friendlyhello"
    let build = d.docker(["build", "-t", "friendlyhello", example], env: ["DOCKER_BUILDKIT": "0"])
    #expect(build.code == 0, "\(build.err)")
    #expect(build.out.contains("Using cache") && build.out.contains("Successfully tagged friendlyhello:latest"))
    #expect(d.docker(["images", "--format", "{{.Repository}}:{{.Tag}}"]).out.contains("friendlyhello:latest"))

    func run(_ args: [String]) -> (code: Int32, out: String, err: String) {
      BerthFixture.run(
        compose, ["--project-directory", example, "-p", "tutorial"] + args,
        env: [
          "DOCKER_HOST": "unix://" + d.socket, "DOCKER_CONFIG": box.execRoot + "/docker", "WEB_PORT": "\(port)",
        ])
    }
    let up = run(["up", "-d", "--no-build"])
    #expect(up.code == 0, "\(up.err)")
    defer { _ = run(["down", "-t", "1"]) }
    var pages: [String] = []
    waitUntil(seconds: 20) { BerthFixture.shell("curl -s -o /dev/null http://127.0.0.1:\(port)/favicon.ico").code == 0 }
    for _ in 0..<2 { pages.append(BerthFixture.shell("curl -s http://127.0.0.1:\(port)/").out) }
    let web = d.docker(["ps", "-q", "--filter", "name=tutorial_web_1"]).out.trimmingCharacters(
      in: .whitespacesAndNewlines)
    #expect(pages.first == "<h3>Hello World!</h3><b>Hostname:</b> \(web)<br/><b>Visits:</b> 1", "\(pages)")
    #expect(pages.last == "<h3>Hello World!</h3><b>Hostname:</b> \(web)<br/><b>Visits:</b> 2", "\(pages)")
    let down = run(["down", "-t", "1"])
    #expect(down.code == 0, "\(down.err)")
    #expect(d.docker(["ps", "-aq"]).out.isEmpty)
  }
}
