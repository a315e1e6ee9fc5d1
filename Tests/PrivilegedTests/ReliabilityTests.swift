import Foundation
import Testing

/// Real processes, real kills: detached containers survive every berth process, and races
/// between removal, stop and kill end cleanly.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct ReliabilityTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  @Test func containersOutliveSigkilledBerthProcessesAndKeepEveryLogLine() throws {
    let script = "i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.02; done"
    for i in 0..<5 { box.berth(["run", "-d", "--name", "svc\(i)", "busybox", "sh", "-c", script]) }
    let followers = try (0..<5).map { try box.background(["logs", "-f", "svc\($0)"]) }
    usleep(500_000)
    for p in followers { kill(p.processIdentifier, SIGKILL) }
    // No berth process runs now; the containers go on.
    usleep(500_000)
    let ps = box.berth(["ps", "-q"]).out.split(separator: "\n")
    #expect(ps.count == 5)
    for i in 0..<5 {
      box.berth(["stop", "-t", "0", "svc\(i)"])
      let lines = box.berth(["logs", "svc\(i)"]).out.split(separator: "\n")
      #expect(lines.count > 20)
      // Every line, in order, none lost.
      #expect(lines.enumerated().allSatisfy { $0.element == "line-\($0.offset)" })
    }
    #expect(box.berth(["ps", "-q"]).out.isEmpty)
    #expect(box.berth(["ps", "-a", "--filter", "status=exited", "-q"]).out.split(separator: "\n").count == 5)
  }

  @Test func forceRemoveRacingAutoRemoveAndStopRacingKillEndCleanly() throws {
    for round in 0..<4 {
      let name = "race\(round)"
      let run = try box.background(["run", "--rm", "--name", name, "busybox", "sleep", "1000"])
      let deadline = Date().addingTimeInterval(5)
      while Date() < deadline && box.berth(["ps", "-q"]).out.isEmpty { usleep(20_000) }
      let rm = try box.background(["rm", "-f", name])
      rm.waitUntilExit()
      run.waitUntilExit()
      #expect(!box.berth(["ps", "-a"]).out.contains(name))
    }
    for round in 0..<4 {
      let name = "sk\(round)"
      box.berth(["run", "-d", "--name", name, "busybox", "sleep", "1000"])
      let stop = try box.background(["stop", name])
      let kill = try box.background(["kill", name])
      stop.waitUntilExit()
      kill.waitUntilExit()
      let state = box.berth(["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", name]).out
      #expect(state == "exited 137\n" || state == "exited 143\n", "\(state)")
      #expect(box.berth(["rm", name]).code == 0)
    }
    #expect(box.berth(["ps", "-aq"]).out.isEmpty)
    #expect((try? FileManager.default.contentsOfDirectory(atPath: box.dataRoot + "/containers"))?.isEmpty == true)
  }
}
