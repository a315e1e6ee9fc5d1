import BerthOCI

/// Sizes as Docker's command line writes them (`512m`, `1g`, `10k`, `1024`; binary units).
public enum ByteSize {
  /// Parses s, or throws Docker's message naming flag.
  public static func parse(_ s: String, flag: String) throws -> Int64 {
    let lower = s.lowercased()
    let units: [(String, Int64)] = [
      ("kb", 1 << 10), ("mb", 1 << 20), ("gb", 1 << 30), ("tb", 1 << 40), ("k", 1 << 10), ("m", 1 << 20),
      ("g", 1 << 30), ("t", 1 << 40), ("b", 1),
    ]
    for (suffix, factor) in units where lower.hasSuffix(suffix) {
      if let n = Double(lower.dropLast(suffix.count)), n >= 0 { return Int64(n * Double(factor)) }
    }
    if let n = Int64(lower), n >= 0 { return n }
    throw BerthError.invalid("invalid argument \"\(s)\" for \"\(flag)\" flag: invalid size: '\(s)'")
  }
}
