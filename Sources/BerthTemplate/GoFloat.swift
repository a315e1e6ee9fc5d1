#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Go's float64 formatting: `fmt`'s `%v` (shortest `%g`), `encoding/json`'s number form, and
/// fixed-precision `%f`/`%e`/`%g` for `printf`.
enum GoFloat {
  /// The shortest decimal digits that round-trip `value` (sign ignored) and the position of the
  /// decimal point: the value is `0.d₁d₂… × 10^decimalPoint`. Zero has no digits.
  static func shortestDigits(_ value: Double) -> (digits: [UInt8], decimalPoint: Int) {
    // Swift's description is the shortest round-trip representation; only its layout varies
    // ("1.5", "100.0", "1e-07", "1.2345e+20"), so read digits and exponent from it.
    let text = value.magnitude.description
    var mantissa = Substring(text)
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = text[..<e]
      exponent = Int(text[text.index(after: e)...]) ?? 0
    }
    var digits: [UInt8] = []
    var integerDigits = 0
    var seenPoint = false
    for byte in mantissa.utf8 {
      if byte == UInt8(ascii: ".") {
        seenPoint = true
      } else {
        digits.append(byte)
        if !seenPoint { integerDigits += 1 }
      }
    }
    var decimalPoint = integerDigits + exponent
    while let first = digits.first, first == UInt8(ascii: "0") {
      digits.removeFirst()
      decimalPoint -= 1
    }
    while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
    if digits.isEmpty { decimalPoint = 0 }
    return (digits, decimalPoint)
  }

  /// `%v`, i.e. `strconv.FormatFloat(v, 'g', -1, 64)`: exponential form when the decimal
  /// exponent is below -4 or at least 6 (so `1e+06`, `123456`, `1.5e-05`, `0.0001`).
  static func shortest(_ value: Double) -> String {
    if let special = nonFinite(value) { return special }
    let (digits, decimalPoint) = shortestDigits(value)
    let sign = value.sign == .minus && !digits.isEmpty ? "-" : ""
    guard !digits.isEmpty else { return value.sign == .minus ? "-0" : "0" }
    let exponent = decimalPoint - 1
    if exponent < -4 || exponent >= 6 {
      return sign + exponential(digits, decimalPoint)
    }
    return sign + fixed(digits, decimalPoint)
  }

  /// `encoding/json`'s float64 form: fixed notation between 1e-6 and 1e21, else exponential
  /// with a one-digit negative exponent where possible (`1e-7`, `1e+21`).
  static func json(_ value: Double) -> String {
    let (digits, decimalPoint) = shortestDigits(value)
    guard !digits.isEmpty else { return value.sign == .minus ? "-0" : "0" }
    let sign = value.sign == .minus ? "-" : ""
    let magnitude = value.magnitude
    guard magnitude < 1e-6 || magnitude >= 1e21 else { return sign + fixed(digits, decimalPoint) }
    var bytes = Array(exponential(digits, decimalPoint).utf8)
    let count = bytes.count
    // Go cleans up e-09 to e-9.
    if count >= 4, bytes[count - 4] == UInt8(ascii: "e"), bytes[count - 3] == UInt8(ascii: "-"),
      bytes[count - 2] == UInt8(ascii: "0")
    {
      bytes.remove(at: count - 2)
    }
    return sign + String(decoding: bytes, as: UTF8.self)
  }

  /// Go's `+Inf`, `-Inf` and `NaN`, or nil for finite values.
  static func nonFinite(_ value: Double) -> String? {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
    return nil
  }

  /// All digits in fixed notation, no trailing zeros after the point.
  static func fixed(_ digits: [UInt8], _ decimalPoint: Int) -> String {
    let digitString = String(decoding: digits, as: UTF8.self)
    if decimalPoint <= 0 {
      return "0." + String(repeating: "0", count: -decimalPoint) + digitString
    }
    if decimalPoint >= digits.count {
      return digitString + String(repeating: "0", count: decimalPoint - digits.count)
    }
    return String(decoding: digits[..<decimalPoint], as: UTF8.self) + "."
      + String(decoding: digits[decimalPoint...], as: UTF8.self)
  }

  /// All digits as `d.ddde±XX` (at least two exponent digits).
  static func exponential(_ digits: [UInt8], _ decimalPoint: Int) -> String {
    guard let first = digits.first else { return "0e+00" }
    var text = String(decoding: [first], as: UTF8.self)
    if digits.count > 1 { text += "." + String(decoding: digits.dropFirst(), as: UTF8.self) }
    let exponent = decimalPoint - 1
    let magnitude = String(abs(exponent))
    return text + (exponent < 0 ? "e-" : "e+") + (magnitude.count < 2 ? "0" + magnitude : magnitude)
  }

  /// `%.<precision><verb>` for verb `e`, `E`, `f`, `F`, `g` or `G`, rounded exactly (by the C
  /// library, whose output matches Go's for these verbs), with `+` and `#` flags.
  static func withPrecision(_ value: Double, verb: Character, precision: Int, plus: Bool, sharp: Bool) -> String {
    if let special = nonFinite(value) {
      return plus && !special.hasPrefix("-") && !special.hasPrefix("+") ? "+" + special : special
    }
    let cVerb = verb == "F" ? "f" : String(verb)
    let format = "%" + (plus ? "+" : "") + (sharp ? "#" : "") + ".*" + cVerb
    var buffer = [CChar](repeating: 0, count: 512)
    let count = withVaList([Int32(clamping: precision), value]) { arguments in
      buffer.withUnsafeMutableBufferPointer { pointer in
        vsnprintf(pointer.baseAddress, pointer.count, format, arguments)
      }
    }
    guard count >= 0 else { return shortest(value) }
    if Int(count) >= buffer.count {
      buffer = [CChar](repeating: 0, count: Int(count) + 1)
      _ = withVaList([Int32(clamping: precision), value]) { arguments in
        buffer.withUnsafeMutableBufferPointer { pointer in
          vsnprintf(pointer.baseAddress, pointer.count, format, arguments)
        }
      }
    }
    return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
