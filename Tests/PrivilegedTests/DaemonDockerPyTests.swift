import Foundation
import Testing

/// docker-py 6.1.3's integration suite (PyPI source distribution) against `berth daemon`, through
/// scripts/dockerpy-suite.sh (which installs it in a venv once). The threshold is what this
/// branch measured, less a margin for the suite's own timing-dependent tests; Debian's dockerd
/// 20.10 on the same subset: see scripts/dockerpy-dockerd.sh and the README.
@Suite(
  .enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/docker"), "needs root and docker"),
  .serialized)
struct DaemonDockerPyTests {
  static let threshold = 233

  @Test(.timeLimit(.minutes(15))) func dockerPyIntegrationSuite() throws {
    let box = try Sandbox()
    let d = try Daemon(box)
    let log = box.execRoot + "/dockerpy.log"
    let run = BerthFixture.run(
      "\(BerthFixture.repo)/scripts/dockerpy-suite.sh", ["unix://" + d.socket],
      env: ["DOCKERPY_LOG": log, "DOCKER_CONFIG": box.execRoot + "/docker"])
    try #require(run.code == 0, "dockerpy-suite.sh: \(run.err)")
    print(run.out)
    let last = run.out.split(separator: "\n").last.map(String.init) ?? ""
    let passed = Int(last.split(separator: " ").first ?? "") ?? 0
    #expect(passed >= Self.threshold, "docker-py: \(last) (threshold \(Self.threshold))")
    _ = BerthFixture.shell("cp \(log) /tmp/berth-dockerpy-last.log")
  }
}
