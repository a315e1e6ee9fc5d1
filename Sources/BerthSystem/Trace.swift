#if canImport(Glibc)
import Glibc
#endif

/// Phase timings for performance work: with `BERTH_TRACE=1` each mark prints the milliseconds
/// since process start to stderr. Costs one getenv when off.
public enum Trace {
  /// Whether `BERTH_TRACE` is set.
  public static let enabled = getenv("BERTH_TRACE") != nil
  static let start = now()

  static func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
  }

  /// Prints `label` with the time since the first mark.
  public static func mark(_ label: @autoclosure () -> String) {
    guard enabled else { return }
    let hundredths = Int((now() - start) * 100)
    let fraction = hundredths % 100 < 10 ? "0\(hundredths % 100)" : "\(hundredths % 100)"
    let line = "trace \(hundredths / 100).\(fraction) ms \(label())\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
  }
}
