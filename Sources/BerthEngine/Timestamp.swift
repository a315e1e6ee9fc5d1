import Foundation

/// RFC 3339 timestamps with nanoseconds, as Docker writes them (`2026-11-29T21:34:27.123456789Z`).
public enum Timestamp {
  /// Now.
  public static func now() -> String { format(Date()) }

  /// A date in Docker's format.
  public static func format(_ date: Date) -> String {
    var t = time_t(date.timeIntervalSince1970.rounded(.down))
    var tm = tm()
    gmtime_r(&t, &tm)
    let nanos = Int((date.timeIntervalSince1970 - Double(t)) * 1_000_000_000)
    func padded(_ value: Int, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(width - digits.count, 0)) + digits
    }
    return padded(Int(tm.tm_year) + 1900, 4) + "-" + padded(Int(tm.tm_mon) + 1, 2) + "-" + padded(Int(tm.tm_mday), 2)
      + "T" + padded(Int(tm.tm_hour), 2) + ":" + padded(Int(tm.tm_min), 2) + ":" + padded(Int(tm.tm_sec), 2) + "."
      + padded(nanos, 9) + "Z"
  }

  /// Parses an RFC 3339 time (fractional seconds optional); nil when malformed.
  public static func parse(_ s: String) -> Date? {
    let parts = s.split(separator: ".", maxSplits: 1)
    var base = String(parts.first ?? "")
    var fraction = 0.0
    if parts.count == 2 {
      let digits = parts[1].prefix { $0.isNumber }
      fraction = Double("0." + digits) ?? 0
    } else if base.hasSuffix("Z") {
      base.removeLast()
    }
    let fields = base.split(whereSeparator: { "-T:".contains($0) }).compactMap { Int32($0) }
    guard fields.count == 6 else { return nil }
    var tm = tm()
    tm.tm_year = fields[0] - 1900
    tm.tm_mon = fields[1] - 1
    tm.tm_mday = fields[2]
    tm.tm_hour = fields[3]
    tm.tm_min = fields[4]
    tm.tm_sec = fields[5]
    return Date(timeIntervalSince1970: Double(timegm(&tm)) + fraction)
  }
}
