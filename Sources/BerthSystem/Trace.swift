#if canImport(Glibc)
import Glibc
#endif

/// Phase timings for performance work: with `BERTH_TRACE=1` each mark prints the milliseconds
/// since process start to stderr. With `BERTH_TRACE=/path/of/file` each mark is appended to
/// that file instead, as `trace PID SECONDS.MICROS label` with the wall-clock time, so the marks
/// of the daemon and of the helpers it spawns (whose stderr is /dev/null) form one timeline.
/// Costs one getenv when off.
public enum Trace {
  /// Whether `BERTH_TRACE` is set.
  public static let enabled = getenv("BERTH_TRACE") != nil
  /// The file the marks go to (`BERTH_TRACE` set to an absolute path), or -1 for stderr.
  static let file: Int32 = {
    guard let value = getenv("BERTH_TRACE"), value.pointee == UInt8(ascii: "/") else { return -1 }
    return open(value, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
  }()
  static let start = now()

  static func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
  }

  /// Prints `label` with the time since the first mark (or, to a trace file, the wall-clock
  /// time and the process id).
  public static func mark(_ label: @autoclosure () -> String) {
    guard enabled else { return }
    let line: String
    if file >= 0 {
      var ts = timespec()
      clock_gettime(CLOCK_REALTIME, &ts)
      let micros = String(ts.tv_nsec / 1000)
      let padded = String(repeating: "0", count: max(0, 6 - micros.count)) + micros
      line = "trace \(getpid()) \(ts.tv_sec).\(padded) \(label())\n"
    } else {
      let hundredths = Int((now() - start) * 100)
      let fraction = hundredths % 100 < 10 ? "0\(hundredths % 100)" : "\(hundredths % 100)"
      line = "trace \(hundredths / 100).\(fraction) ms \(label())\n"
    }
    _ = line.withCString { write(file >= 0 ? file : 2, $0, strlen($0)) }
  }
}
