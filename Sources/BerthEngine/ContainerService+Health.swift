import BerthOCI
import BerthRuntime
import BerthSystem
import CBerth
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Health checks: the monitor runs `berth __health ID` every interval; it runs the check in the
/// container (as `exec`), with its timeout, and records the result.
extension ContainerService {
  /// Runs the container's health check once and records the outcome.
  public func runHealthCheck(_ id: String) throws {
    let c = try get(id)
    guard let check = c.config.config.healthcheck, check.isEnabled, c.state == .running else { return }
    var pipe: [Int32] = [-1, -1]
    try syscall("pipe2", "health output") { berth_pipe(&pipe) == 0 ? 0 : -1 }
    let start = Timestamp.now()
    var options = ExecOptions(command: check.command)
    options.detach = false
    var code: Int32 = -1
    var output = ""
    let timeoutMs = Int32(clamping: check.effectiveTimeout / 1_000_000)
    do {
      let process = try startExec(c, options, stdio: .files(stdin: -1, stdout: pipe[1], stderr: pipe[1]))
      close(pipe[1])
      pipe[1] = -1
      // Read up to 4 KiB of output while waiting, as Docker keeps.
      var bytes: [UInt8] = []
      let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
      var buffer = [UInt8](repeating: 0, count: 4096)
      var timedOut = false
      while true {
        var p = pollfd(fd: pipe[0], events: Int16(POLLIN), revents: 0)
        let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
        if left == 0 {
          timedOut = true
          break
        }
        if poll(&p, 1, left) <= 0 { continue }
        let n = buffer.withUnsafeMutableBytes { read(pipe[0], $0.baseAddress, $0.count) }
        if n <= 0 { break }
        if bytes.count < 4096 { bytes += buffer[0..<min(n, 4096 - bytes.count)] }
      }
      if timedOut {
        Glibc.kill(process.pid, SIGKILL)
        _ = process.wait()
        output = "Health check exceeded timeout (\(HealthText.duration(check.effectiveTimeout)))"
      } else {
        code = process.wait()
        output = String(decoding: bytes, as: UTF8.self)
      }
    } catch {
      output = "\(error)"
    }
    for fd in pipe where fd >= 0 { close(fd) }
    let result = HealthState.HealthResult(start: start, end: Timestamp.now(), exitCode: code, output: output)
    let started = Timestamp.parse(c.startedAt) ?? Date()
    let inStartPeriod = Date().timeIntervalSince(started) * 1e9 < Double(check.startPeriod ?? 0)
    try store.write { db in
      // Read inside the transaction so two checks cannot lose each other's result.
      let json = try String.fetchOne(db, sql: "SELECT health FROM containers WHERE id = ?", arguments: [id]) ?? ""
      let current = (try? JSONDecoder().decode(HealthState.self, from: Data(json.utf8))) ?? .starting
      let next = current.recording(result, retries: check.effectiveRetries, inStartPeriod: inStartPeriod)
      let text = String(decoding: try JSONEncoder().encode(next), as: UTF8.self)
      try db.execute(sql: "UPDATE containers SET health = ? WHERE id = ?", arguments: [text, id])
    }
  }

  /// The monitor's health interval in milliseconds for a container (0: no checks).
  func healthIntervalMilliseconds(_ c: ContainerRecord) -> Int64 {
    guard let check = c.config.config.healthcheck, check.isEnabled else { return 0 }
    return max(1, check.effectiveInterval / 1_000_000)
  }
}

/// Docker's wording of durations in health messages (`30s`, `1m0s`).
enum HealthText {
  static func duration(_ nanoseconds: Int64) -> String {
    let seconds = Double(nanoseconds) / 1e9
    if seconds < 60 { return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s" }
    let s = Int(seconds)
    return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m\(s % 60)s" : "\(s / 60)m\(s % 60)s"
  }
}
