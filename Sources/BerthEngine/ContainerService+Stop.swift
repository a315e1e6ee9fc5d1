import BerthOCI
import BerthRuntime
import BerthSystem
import CBerth
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Signalling and waiting: stop, kill, wait, restart.
extension ContainerService {
  /// Sends signal to a running container's main process.
  public func kill(_ ref: String, signal: Int32) throws {
    let c = try get(ref)
    guard c.state == .running || c.state == .paused, Processes.isAlive(pid: c.pid, startTime: c.pidStart) else {
      throw BerthError.conflict("Cannot kill container: \(ref): Container \(c.id) is not running")
    }
    if signal == SIGKILL || signal == SIGTERM || signal == SIGINT {
      try setManuallyStopped(c.id)
    }
    if Glibc.kill(c.pid, signal) != 0 { throw SystemError("kill", String(c.pid)) }
    emit("kill", c, ["signal": String(signal)])
  }

  /// Stops a container: its stop signal (the image's STOPSIGNAL, SIGTERM by default), then
  /// SIGKILL after timeout seconds (`--stop-timeout`, 10 by default); returns once its exit is
  /// recorded. Its restart policy does not bring it back. Stopping a stopped container does nothing.
  public func stop(_ ref: String, timeout: Int? = nil) throws {
    let c = try get(ref)
    guard [.running, .paused, .restarting].contains(c.state) else { return }
    try setManuallyStopped(c.id)
    if c.state == .paused {
      // Signals to frozen processes wait for the thaw: thaw first, as Docker does.
      try? Cgroup(containerID: c.id).setFrozen(false)
      try setState(c.id, .running)
    }
    if Processes.isAlive(pid: c.pid, startTime: c.pidStart) {
      let name = c.config.config.stopSignal ?? "SIGTERM"
      let signal = Signals.number(name) ?? SIGTERM
      let seconds = timeout ?? c.config.config.stopTimeout ?? 10
      _ = Glibc.kill(c.pid, signal)
      if seconds < 0 || berth_wait_exit(c.pid, Int32(min(seconds, 1_000_000) * 1000)) == 0 {
        if seconds >= 0 { _ = Glibc.kill(c.pid, SIGKILL) }
        _ = berth_wait_exit(c.pid, -1)
      }
    }
    try waitForRecord(c)
    emit("stop", c)
  }

  /// Waits until a container is not running and returns its exit code (`docker wait`).
  public func wait(_ ref: String) throws -> Int32 {
    let c = try get(ref)
    guard [.running, .paused, .restarting].contains(c.state) else { return c.exitCode }
    if c.pid > 0 && Processes.isAlive(pid: c.pid, startTime: c.pidStart) { _ = berth_wait_exit(c.pid, -1) }
    // The exit file is there as soon as the monitor has reaped it: looked for every 2 ms (an
    // open), the record (a query) every 10 ms. A monitor that was killed writes none: its
    // container's exit is recorded as recovery does.
    for attempt in 1...5000 {
      if let (code, _) = readExitFile(c.id) { return code }
      if attempt % 5 == 0 {
        guard let now = try? get(c.id) else { break }
        if ![.running, .paused, .restarting].contains(now.state) { return now.exitCode }
        if !Processes.isAlive(pid: now.monitorPID, startTime: now.monitorStart) {
          try recover()
          break
        }
      }
      usleep(2_000)
    }
    return try get(c.id).exitCode
  }

  /// Stops (as `stop`) and starts a container again in the background.
  public func restart(_ ref: String, timeout: Int? = nil) throws {
    let c = try get(ref)
    try stop(c.id, timeout: timeout)
    try startDetached(c.id)
  }

  func setManuallyStopped(_ id: String) throws {
    try store.write { db in
      try db.execute(sql: "UPDATE containers SET manual_stop = 1 WHERE id = ?", arguments: [id])
    }
  }

  /// After the container's process exited: waits until its monitor has recorded the exit (or,
  /// when the monitor is gone, records it as recovery does).
  func waitForRecord(_ c: ContainerRecord) throws {
    for _ in 0..<1000 {
      guard let now = try? get(c.id) else { return }
      if ![.running, .paused, .restarting].contains(now.state) { return }
      if !Processes.isAlive(pid: now.monitorPID, startTime: now.monitorStart) { break }
      usleep(5_000)
    }
    try recover()
  }

  /// Records the exits of containers whose monitor is gone (and the rest of `Recovery`).
  private func recover() throws {
    try Recovery(paths: paths, store: store, content: images.content, layers: images.layers).run()
  }
}
