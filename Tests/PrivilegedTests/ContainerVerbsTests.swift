import Foundation
import Testing

/// Health checks, pause/unpause, rename and prune on detached containers.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct ContainerVerbsTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  @Test func healthGoesFromStartingToUnhealthyToHealthy() throws {
    box.berth([
      "run", "-d", "--name", "hc", "--health-cmd", "test -f /tmp/ok", "--health-interval", "200ms",
      "--health-retries", "2", "busybox", "sleep", "1000",
    ])
    #expect(box.berth(["ps"]).out.contains("(health: starting)"))
    waitUntil { box.value("{{.State.Health.Status}}", "hc") == "unhealthy" }
    #expect(box.berth(["ps"]).out.contains("(unhealthy)"))
    #expect((Int(box.value("{{.State.Health.FailingStreak}}", "hc")) ?? 0) >= 2)
    box.berth(["exec", "hc", "touch", "/tmp/ok"])
    waitUntil { box.value("{{.State.Health.Status}}", "hc") == "healthy" }
    #expect(box.berth(["ps"]).out.contains("(healthy)"))
    #expect(box.value("{{(index .State.Health.Log 0).Start}}", "hc").hasSuffix("Z"))
    // A check that outlives its timeout fails with Docker's message.
    box.berth([
      "run", "-d", "--name", "slow", "--health-cmd", "sleep 5", "--health-interval", "100ms", "--health-timeout",
      "200ms", "--health-retries", "1", "busybox", "sleep", "1000",
    ])
    waitUntil { box.value("{{.State.Health.Status}}", "slow") == "unhealthy" }
    #expect(box.value("{{(index .State.Health.Log 0).Output}}", "slow").contains("Health check exceeded timeout"))
    // --no-healthcheck: no health at all.
    box.berth(["run", "-d", "--name", "none", "--no-healthcheck", "busybox", "sleep", "1000"])
    #expect(["", "<nil>"].contains(box.value("{{.State.Health}}", "none")))
    #expect(!box.berth(["ps", "--filter", "name=none"]).out.contains("health"))
    box.berth(["rm", "-f", "hc", "slow", "none"])
  }

  @Test func pauseFreezesAndUnpauseThaws() throws {
    box.berth(["run", "-d", "--name", "ticker", "busybox", "sh", "-c", "while true; do echo t; sleep 0.05; done"])
    usleep(200_000)
    #expect(box.berth(["pause", "ticker"]).code == 0)
    #expect(box.value("{{.State.Status}} {{.State.Paused}}", "ticker") == "paused true")
    #expect(box.berth(["ps"]).out.contains("(Paused)"))
    let before = box.berth(["logs", "ticker"]).out.count
    usleep(300_000)
    #expect(box.berth(["logs", "ticker"]).out.count == before)
    #expect(box.berth(["pause", "ticker"]).err.contains("is already paused"))
    #expect(box.berth(["unpause", "ticker"]).code == 0)
    waitUntil { box.berth(["logs", "ticker"]).out.count > before }
    #expect(box.berth(["logs", "ticker"]).out.count > before)
    // A paused container can be stopped.
    box.berth(["pause", "ticker"])
    #expect(box.berth(["stop", "-t", "1", "ticker"]).code == 0)
    #expect(box.value("{{.State.Status}}", "ticker") == "exited")
    #expect(box.berth(["unpause", "ticker"]).err.contains("is not paused"))
  }

  @Test func renameAndPrune() throws {
    box.berth(["create", "--name", "first", "busybox", "true"])
    box.berth(["create", "--name", "taken", "busybox", "true"])
    #expect(box.berth(["rename", "first", "second"]).code == 0)
    #expect(box.berth(["ps", "-a", "--filter", "name=second"]).out.contains("second"))
    #expect(box.berth(["rename", "second", "taken"]).err.contains("is already in use"))
    box.berth(["run", "-d", "--name", "alive", "busybox", "sleep", "1000"])
    let prune = box.berth(["container", "prune", "-f"])
    #expect(prune.out.hasPrefix("Deleted Containers:\n") && prune.out.contains("Total reclaimed space:"))
    #expect(box.berth(["ps", "-aq"]).out.split(separator: "\n").count == 1)
    box.berth(["rm", "-f", "alive"])
  }
}
