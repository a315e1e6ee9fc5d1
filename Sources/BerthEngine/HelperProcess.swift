import BerthSystem
import CBerth

#if canImport(Glibc)
import Glibc
#endif

/// The berth helper processes that outlive the command starting them (`__monitor`, `__dns`,
/// `__proxy`): spawned detached in a session of their own, with nothing open but a report pipe
/// on which they write "ok", or why they failed, before closing it.
enum HelperProcess {
  /// Starts `berth arguments…`; returns its pid and everything it reported.
  static func spawn(_ arguments: [String]) throws -> (pid: Int32, report: String) {
    let berth = ContainerService.berthExecutable
    var report: [Int32] = [-1, -1]
    try syscall("pipe2", "helper report") { berth_pipe(&report) == 0 ? 0 : -1 }
    let pid = CStrings.withArray([berth] + arguments) { berth_spawn_detached(berth, $0, report[1]) }
    close(report[1])
    defer { close(report[0]) }
    if pid < 0 { throw SystemError("posix_spawn", berth, errno: -pid) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(report[0], $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      bytes += buffer[0..<n]
    }
    return (pid, String(decoding: bytes, as: UTF8.self))
  }
}
