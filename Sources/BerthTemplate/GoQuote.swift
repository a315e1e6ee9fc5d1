/// Go's `strconv.Quote` and `strconv.Unquote`, used for `%q` and for string literals in templates.
enum GoQuote {
  /// A double-quoted Go string literal: `\a \b \f \n \r \t \v \\ \"` escapes, `\xNN` for other
  /// control bytes, `\uNNNN`/`\UNNNNNNNN` for other non-printable characters.
  static func quote(_ string: String) -> String {
    quote(string, delimiter: "\"")
  }

  /// A single-quoted Go rune literal, as `%q` prints an integer.
  static func quoteRune(_ value: Int64) -> String {
    guard let scalar = Unicode.Scalar(UInt32(clamping: max(0, value))), value >= 0, value <= 0x10FFFF else {
      return "'\u{FFFD}'"
    }
    return quote(String(scalar), delimiter: "'")
  }

  private static func quote(_ string: String, delimiter: Unicode.Scalar) -> String {
    var result = String(delimiter)
    for scalar in string.unicodeScalars {
      switch scalar {
      case delimiter, "\\": result += "\\" + String(scalar)
      case "\u{07}": result += "\\a"
      case "\u{08}": result += "\\b"
      case "\u{0C}": result += "\\f"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case "\u{0B}": result += "\\v"
      default:
        if isPrintable(scalar) {
          result.unicodeScalars.append(scalar)
        } else if scalar.value < 0x80 {
          result += "\\x" + hex(scalar.value, width: 2)
        } else if scalar.value <= 0xFFFF {
          result += "\\u" + hex(scalar.value, width: 4)
        } else {
          result += "\\U" + hex(scalar.value, width: 8)
        }
      }
    }
    result.unicodeScalars.append(delimiter)
    return result
  }

  /// An approximation of Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols
  /// and the ASCII space.
  static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == " " { return true }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber,
      .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
      .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
      return true
    default:
      return false
    }
  }

  static func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  /// Go's `%#U` for a character: `U+007D '}'` (the character only when printable).
  static func describeCharacter(_ scalar: Unicode.Scalar) -> String {
    let code = "U+" + hex(scalar.value, width: 4).uppercased()
    return isPrintable(scalar) ? code + " '" + String(scalar) + "'" : code
  }

  /// Unquotes a Go string literal (`"…"` with escapes or `` `…` `` raw), or a rune literal
  /// (`'x'`) to its code point. Returns nil when the literal is malformed.
  static func unquote(_ literal: String) -> String? {
    let scalars = Array(literal.unicodeScalars)
    guard scalars.count >= 2, let open = scalars.first, scalars.last == open else { return nil }
    let body = scalars[1..<(scalars.count - 1)]
    if open == "`" {
      guard !body.contains("`") else { return nil }
      return String(String.UnicodeScalarView(body.filter { $0 != "\r" }))
    }
    guard open == "\"" || open == "'" else { return nil }
    var result = String.UnicodeScalarView()
    var bytes: [UInt8] = []  // pending \x and octal bytes, decoded as UTF-8 together
    func flushBytes() {
      if !bytes.isEmpty {
        result.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
        bytes.removeAll()
      }
    }
    var index = body.startIndex
    while index < body.endIndex {
      let scalar = body[index]
      index += 1
      if scalar == "\n" || scalar == open { return nil }
      guard scalar == "\\" else {
        flushBytes()
        result.append(scalar)
        continue
      }
      guard index < body.endIndex else { return nil }
      let escape = body[index]
      index += 1
      func readHex(_ count: Int) -> UInt32? {
        guard body.endIndex - index >= count else { return nil }
        let text = String(String.UnicodeScalarView(body[index..<(index + count)]))
        index += count
        return UInt32(text, radix: 16)
      }
      switch escape {
      case "a": flushBytes(); result.append("\u{07}")
      case "b": flushBytes(); result.append("\u{08}")
      case "f": flushBytes(); result.append("\u{0C}")
      case "n": flushBytes(); result.append("\n")
      case "r": flushBytes(); result.append("\r")
      case "t": flushBytes(); result.append("\t")
      case "v": flushBytes(); result.append("\u{0B}")
      case "\\": flushBytes(); result.append("\\")
      case "\"", "'":
        guard escape == open else { return nil }
        flushBytes()
        result.append(escape)
      case "x":
        guard let value = readHex(2) else { return nil }
        bytes.append(UInt8(value))
      case "0"..."7":
        guard body.endIndex - index >= 2 else { return nil }
        let text = String(escape) + String(String.UnicodeScalarView(body[index..<(index + 2)]))
        index += 2
        guard let value = UInt32(text, radix: 8), value <= 255 else { return nil }
        bytes.append(UInt8(value))
      case "u", "U":
        guard let value = readHex(escape == "u" ? 4 : 8), let decoded = Unicode.Scalar(value) else { return nil }
        flushBytes()
        result.append(decoded)
      default:
        return nil
      }
    }
    flushBytes()
    if open == "'" && result.count != 1 { return nil }
    return String(result)
  }
}
