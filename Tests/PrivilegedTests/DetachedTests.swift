import Foundation
import Synchronization
import Testing

/// Detached containers under their monitor: `run -d`, logs, stop, kill, wait, restart policies,
/// and what happens when berth processes (or the monitor) are killed.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct DetachedTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  @Test func runDetachedLogsAndStop() throws {
    let script = "trap 'echo bye; exit 3' TERM; echo out; echo err >&2; while true; do sleep 0.1; done"
    let r = box.berth(["run", "-d", "--name", "web", "busybox", "sh", "-c", script])
    #expect(r.code == 0, "\(r.err)")
    let id = r.out.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(id.count == 64 && id.allSatisfy(\.isHexDigit))
    #expect(box.berth(["ps"]).out.contains("Up "))
    waitUntil { box.berth(["logs", "web"]).err.contains("err") }
    let logs = box.berth(["logs", "web"])
    #expect(logs.out == "out\n")
    #expect(logs.err == "err\n")
    let stop = box.berth(["stop", "web"])
    #expect(stop.code == 0 && stop.out == "web\n")
    #expect(box.value("{{.State.Status}} {{.State.ExitCode}}", "web") == "exited 3")
    #expect(box.berth(["logs", "web"]).out == "out\nbye\n")
    #expect(box.berth(["wait", "web"]).out == "3\n")
    // The log is Docker's json-file format.
    let line = try String(contentsOfFile: box.value("{{.LogPath}}", "web"), encoding: .utf8).split(separator: "\n")[0]
    let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
    #expect(json?["log"] == "out\n" && json?["stream"] == "stdout" && json?["time"]?.hasSuffix("Z") == true)
  }

  @Test func stopKillsAfterTimeoutAndKillSendsSignals() throws {
    box.berth(["run", "-d", "--name", "stubborn", "busybox", "sleep", "1000"])
    let start = Date()
    #expect(box.berth(["stop", "-t", "1", "stubborn"]).code == 0)
    let took = Date().timeIntervalSince(start)
    #expect(took >= 0.9 && took < 5)
    #expect(box.value("{{.State.ExitCode}}", "stubborn") == "137")

    box.berth([
      "run", "-d", "--name", "kk", "busybox", "sh", "-c", "trap 'exit 10' USR1; while true; do sleep 0.1; done",
    ])
    #expect(box.berth(["kill", "-s", "USR1", "kk"]).code == 0)
    #expect(box.berth(["wait", "kk"]).out == "10\n")
    let again = box.berth(["kill", "kk"])
    #expect(again.code == 1 && again.err.contains("is not running"))
    #expect(box.berth(["stop", "kk"]).code == 0)  // stopping a stopped container is fine
    #expect(box.berth(["stop", "nosuch"]).err.contains("No such container: nosuch"))
  }

  @Test func restartPolicyOnFailureWithLimit() throws {
    box.berth(["run", "-d", "--restart", "on-failure:2", "--name", "flaky", "busybox", "sh", "-c", "echo run; exit 4"])
    waitUntil(seconds: 10) { box.value("{{.State.Status}} {{.RestartCount}}", "flaky") == "exited 2" }
    #expect(box.value("{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}", "flaky") == "exited 2 4")
    #expect(box.berth(["logs", "flaky"]).out == "run\nrun\nrun\n")
    #expect(box.value("{{.HostConfig.RestartPolicy.Name}}", "flaky") == "on-failure")
  }

  @Test func alwaysRestartsUntilStopped() throws {
    box.berth(["run", "-d", "--restart", "always", "--name", "loop", "busybox", "sh", "-c", "echo up; sleep 0.2"])
    waitUntil(seconds: 10) { (Int(box.value("{{.RestartCount}}", "loop")) ?? 0) >= 2 }
    #expect((Int(box.value("{{.RestartCount}}", "loop")) ?? 0) >= 2)
    #expect(box.berth(["stop", "loop"]).code == 0)
    usleep(600_000)
    #expect(box.value("{{.State.Status}}", "loop") == "exited")
    #expect(box.berth(["rm", "loop"]).code == 0)
  }

  @Test func exitWhileNoBerthCommandRunsIsRecordedWithItsTime() throws {
    let r = box.berth(["run", "-d", "--name", "short", "busybox", "sh", "-c", "sleep 0.3; exit 7"])
    #expect(r.code == 0)
    usleep(1_200_000)  // no berth command runs meanwhile; the monitor records the exit
    #expect(box.value("{{.State.Status}} {{.State.ExitCode}}", "short") == "exited 7")
    let started = box.value("{{.State.StartedAt}}", "short")
    let finished = box.value("{{.State.FinishedAt}}", "short")
    #expect(finished > started && finished.hasPrefix(started.prefix(15)))
  }

  @Test func killedMonitorMeansExitedContainer() throws {
    box.berth(["run", "-d", "--name", "orphan", "busybox", "sleep", "1000"])
    let id = box.value("{{.Id}}", "orphan")
    let pid = Int32(box.value("{{.State.Pid}}", "orphan")) ?? 0
    let monitor = BerthFixture.shell("pgrep -f 'berth-monitor .*\(id)' | head -1").out
    let monitorPID = Int32(monitor.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    #expect(monitorPID > 0)
    // A `wait` that began before: no exit file will come, and it records the exit itself
    // instead of polling for one (it used to give up after 10 s, the container still "running").
    let waiting = try box.background(["wait", "orphan"])
    usleep(300_000)
    kill(monitorPID, SIGKILL)
    waitUntil { kill(pid, 0) != 0 }
    waitUntil(seconds: 3) { !waiting.isRunning }
    #expect(!waiting.isRunning)
    if waiting.isRunning { waiting.terminate() }
    #expect(box.berth(["ps", "-a"]).out.contains("Exited (137)"))
    #expect(box.berth(["rm", "orphan"]).code == 0)
  }

  @Test func autoRemoveAndFollowedLogs() throws {
    let r = box.berth([
      "run", "-d", "--name", "ff", "busybox", "sh", "-c", "for i in 1 2 3; do echo $i; sleep 0.2; done",
    ])
    #expect(r.code == 0)
    let follow = box.berth(["logs", "-f", "ff"])
    #expect(follow.out == "1\n2\n3\n")
    #expect(box.berth(["logs", "--tail", "1", "ff"]).out == "3\n")
    box.berth(["run", "-d", "--rm", "--name", "gone", "busybox", "true"])
    waitUntil { !box.berth(["ps", "-a"]).out.contains("gone") }
    #expect(!box.berth(["ps", "-a"]).out.contains("gone"))
  }

  @Test func logRotation() throws {
    let script = "i=0; while [ $i -lt 200 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done"
    box.berth([
      "run", "-d", "--log-opt", "max-size=2k", "--log-opt", "max-file=3", "--name", "chatty", "busybox", "sh", "-c",
      script,
    ])
    #expect(box.berth(["wait", "chatty"]).out == "0\n")
    let path = box.value("{{.LogPath}}", "chatty")
    let fm = FileManager.default
    #expect(fm.fileExists(atPath: path + ".1") && fm.fileExists(atPath: path + ".2"))
    #expect(!fm.fileExists(atPath: path + ".3"))
    for p in [path, path + ".1"] {
      #expect(((try? fm.attributesOfItem(atPath: p)[.size] as? Int) ?? 0) <= 2048)
    }
    #expect(box.berth(["logs", "--tail", "1", "chatty"]).out.hasPrefix("line-199-"))
  }

  @Test func concurrentRunAndForceRemoveLeaveNothingBehind() throws {
    let n = 30
    let box = self.box
    let failures = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: n) { i in
      let r = box.berth(["run", "-d", "--name", "c\(i)", "busybox", "sleep", "1000"])
      if r.code != 0 { failures.withLock { $0.append("c\(i): \(r.code) \(r.err)") } }
    }
    #expect(failures.withLock { $0 }.isEmpty)
    #expect(box.berth(["ps", "-q"]).out.split(separator: "\n").count == n)
    let ids = box.berth(["ps", "-q", "--no-trunc"]).out.split(separator: "\n").map(String.init)
    DispatchQueue.concurrentPerform(iterations: n) { i in
      _ = box.berth(["rm", "-f", "c\(i)"])
    }
    #expect(box.berth(["ps", "-aq"]).out.isEmpty)
    #expect((try? FileManager.default.contentsOfDirectory(atPath: box.dataRoot + "/containers"))?.isEmpty == true)
    for id in ids {
      #expect(BerthFixture.shell("ps -eo args | grep \(id) | grep -v grep").out.isEmpty)
      #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/berth/\(id)"))
      #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/pids/berth/\(id)"))
    }
  }

  @Test func startInTheBackgroundAndRestart() throws {
    box.berth(["create", "--name", "later", "busybox", "sh", "-c", "echo started; sleep 1000"])
    #expect(box.berth(["start", "later"]).out == "later\n")
    #expect(box.value("{{.State.Status}}", "later") == "running")
    let pid = box.value("{{.State.Pid}}", "later")
    #expect(box.berth(["restart", "-t", "0", "later"]).code == 0)
    #expect(box.value("{{.State.Status}}", "later") == "running")
    #expect(box.value("{{.State.Pid}}", "later") != pid)
    waitUntil { box.berth(["logs", "later"]).out == "started\nstarted\n" }
    #expect(box.berth(["logs", "later"]).out == "started\nstarted\n")
    #expect(box.berth(["rm", "-f", "later"]).code == 0)
  }
}

extension DetachedTests {
  @Test func bootBringsBackContainersByRestartPolicy() throws {
    box.berth(["run", "-d", "--restart", "always", "--name", "always", "busybox", "sleep", "1000"])
    box.berth(["run", "-d", "--restart", "unless-stopped", "--name", "unless", "busybox", "sleep", "1000"])
    box.berth(["run", "-d", "--restart", "unless-stopped", "--name", "stopped", "busybox", "sleep", "1000"])
    box.berth(["run", "-d", "--name", "plain", "busybox", "sleep", "1000"])
    box.berth(["stop", "-t", "0", "stopped"])
    // A reboot: every monitor and container process is gone at once.
    for name in ["always", "unless", "plain"] {
      let id = box.value("{{.Id}}", name)
      BerthFixture.shell("pkill -KILL -f 'berth-monitor .*\(id)'")
    }
    waitUntil { box.berth(["ps", "-q"]).out.isEmpty }
    #expect(box.berth(["ps", "-q"]).out.isEmpty)
    let boot = box.berth(["system", "boot"])
    #expect(boot.code == 0 && boot.out.split(separator: "\n").count == 2)
    #expect(box.berth(["ps"]).out.contains("always") && box.berth(["ps"]).out.contains("unless"))
    #expect(
      !box.berth(["ps"]).out.contains("stopped") && !box.berth(["ps"]).out.contains("plain"), "\(box.berth(["ps"]).out)"
    )
    box.berth(["rm", "-f", "always", "unless", "stopped", "plain"])
  }
}

extension DetachedTests {
  @Test func foregroundRunKeepsItsLogToo() throws {
    let r = box.berth(["run", "--name", "fg", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3"])
    #expect(r.code == 3 && r.out == "out\n" && r.err == "err\n")
    let logs = box.berth(["logs", "fg"])
    #expect(logs.out == "out\n" && logs.err == "err\n")
  }
}
