/// Go's `time.ParseDuration`, for `HEALTHCHECK` options: `30s`, `1m30s`, `1.5h`, `500ms`, `0`.
public enum GoDuration {
  private static let units: [(String, Double)] = [
    ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
  ]

  /// Nanoseconds, or nil when `text` is not a valid duration.
  public static func nanoseconds(_ text: String) -> Int64? {
    var rest = Substring(text)
    var negative = false
    if let sign = rest.first, sign == "-" || sign == "+" {
      negative = sign == "-"
      rest = rest.dropFirst()
    }
    if rest == "0" { return 0 }
    guard !rest.isEmpty else { return nil }
    var total: Double = 0
    while !rest.isEmpty {
      let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
      guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1, let value = Double(number)
      else { return nil }
      rest = rest.dropFirst(number.count)
      let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
      guard let unit = units.first(where: { $0.0 == unitText }) else { return nil }
      rest = rest.dropFirst(unitText.count)
      total += value * unit.1
    }
    guard total < 9.2e18 else { return nil }
    let nanoseconds = Int64(total.rounded(.towardZero))
    return negative ? -nanoseconds : nanoseconds
  }
}
