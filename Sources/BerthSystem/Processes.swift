#if canImport(Glibc)
import Glibc
#endif

/// Facts about host processes.
public enum Processes {
  /// The start time of pid in clock ticks since boot (field 22 of /proc/PID/stat), or nil when
  /// there is no such process. Together with the pid it names a process across pid reuse.
  public static func startTime(of pid: Int32) -> UInt64? {
    guard pid > 0, let bytes = try? FileSystem.read("/proc/\(pid)/stat") else { return nil }
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
    let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
    guard fields.count > 19 else { return nil }
    return UInt64(String(decoding: fields[19], as: UTF8.self))
  }

  /// Whether the process (pid, startTime) is still alive (and not a zombie).
  public static func isAlive(pid: Int32, startTime: UInt64) -> Bool {
    guard let now = Processes.startTime(of: pid), now == startTime else { return false }
    guard let bytes = try? FileSystem.read("/proc/\(pid)/stat"),
      let close = bytes.lastIndex(of: UInt8(ascii: ")")), close + 2 < bytes.count
    else { return false }
    return bytes[close + 2] != UInt8(ascii: "Z")
  }

  /// Decodes a wait status into Docker's exit code: the code, or 128 + signal.
  public static func exitCode(fromWaitStatus status: Int32) -> Int32 {
    let signal = status & 0x7f
    if signal == 0 { return (status >> 8) & 0xff }
    return 128 + signal
  }
}
