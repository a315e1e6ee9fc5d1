import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Moving a process into a cgroup takes the kernel's global `cgroup_threadgroup_rwsem` for
/// writing, and the first writer after a quiet spell waits for an RCU grace period (8–27 ms
/// on this kind of host) before it gets it. Writers that follow within a grace period of the
/// last one get it at once. So a command that is about to start a container begins that wait
/// early, while it parses, opens the database and prepares the rootfs: a thread moves this
/// process into the cgroup it is already in (which changes nothing) and repeats that every
/// 2 ms so the fast window stays open until the container's own move has happened.
extension Cgroup {
  /// Starts (or extends) the warm-up for `seconds`. Does nothing when this process cannot
  /// write its own cgroup's `cgroup.procs`.
  public static func warmMigrations(for seconds: Double) {
    MigrationWarmup.shared.extend(until: Date().timeIntervalSince1970 + seconds)
  }

  /// Ends the warm-up; the next cgroup move pays the grace period again.
  public static func stopWarmingMigrations() {
    MigrationWarmup.shared.extend(until: 0)
  }

  /// The `cgroup.procs` of the cgroup this process is in, in one v1 hierarchy or in v2's.
  static func ownProcsFile(root: String = "/sys/fs/cgroup") -> String? {
    guard let text = try? FileSystem.read("/proc/self/cgroup") else { return nil }
    var byController: [String: String] = [:]
    for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
      guard parts.count == 3 else { continue }
      for name in parts[1].split(separator: ",") { byController[String(name)] = String(parts[2]) }
      if parts[1].isEmpty { byController[""] = String(parts[2]) }
    }
    if hostVersion(root: root) == .v2 { return byController[""].map { "\(root)\($0)/cgroup.procs" } }
    return ["pids", "memory", "cpu"].lazy.compactMap { name in
      byController[name].map { "\(root)/\(name)\($0)/cgroup.procs" }
    }.first
  }
}

/// The warm-up thread's state: one thread per process, alive while the deadline is ahead.
private final class MigrationWarmup: @unchecked Sendable {
  static let shared = MigrationWarmup()
  private let lock = NSLock()
  private var deadline: Double = 0
  private var running = false

  func extend(until time: Double) {
    lock.lock()
    deadline = time == 0 ? 0 : max(deadline, time)
    let start = !running && deadline > 0
    if start { running = true }
    lock.unlock()
    if start { Thread.detachNewThread { self.run() } }
  }

  private func run() {
    let fd = Cgroup.ownProcsFile().map { open($0, O_WRONLY | O_CLOEXEC) } ?? -1
    defer { if fd >= 0 { close(fd) } }
    let pid = Array("\(getpid())".utf8)
    while true {
      lock.lock()
      if fd < 0 || Date().timeIntervalSince1970 >= deadline {
        running = false
        lock.unlock()
        return
      }
      lock.unlock()
      if write(fd, pid, pid.count) < 0 {
        lock.lock()
        deadline = 0
        lock.unlock()
      }
      usleep(2000)
    }
  }
}
