extension JSONValue {
  /// Compact JSON text as Go's `encoding/json` writes it: no spaces, object members in order,
  /// `\n`, `\r`, `\t`, `\b`, `\f` and `\u00XX` for other control characters, `\u2028` and
  /// `\u2029` escaped, and (with `escapeHTML`, Go's default) `<`, `>` and `&` written as
  /// `\u003c`, `\u003e` and `\u0026`. Numbers are written like Go's float64 encoding; NaN and
  /// infinities, which JSON cannot hold, are written as `null`.
  public func jsonString(escapeHTML: Bool = true) -> String {
    var output = ""
    write(to: &output, escapeHTML: escapeHTML)
    return output
  }

  private func write(to output: inout String, escapeHTML: Bool) {
    switch self {
    case .null: output += "null"
    case .bool(let value): output += value ? "true" : "false"
    case .int(let value): output += String(value)
    case .double(let value): output += value.isFinite ? GoFloat.json(value) : "null"
    case .string(let value): JSONValue.writeString(value, to: &output, escapeHTML: escapeHTML)
    case .array(let elements):
      output += "["
      for (index, element) in elements.enumerated() {
        if index > 0 { output += "," }
        element.write(to: &output, escapeHTML: escapeHTML)
      }
      output += "]"
    case .object(let members):
      output += "{"
      for (index, member) in members.enumerated() {
        if index > 0 { output += "," }
        JSONValue.writeString(member.key, to: &output, escapeHTML: escapeHTML)
        output += ":"
        member.value.write(to: &output, escapeHTML: escapeHTML)
      }
      output += "}"
    }
  }

  private static let hexDigits = Array("0123456789abcdef".unicodeScalars)

  static func writeString(_ string: String, to output: inout String, escapeHTML: Bool) {
    output.unicodeScalars.append("\"")
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case "\u{08}": output += "\\b"
      case "\u{0C}": output += "\\f"
      case "<", ">", "&":
        if escapeHTML {
          appendUnicodeEscape(scalar, to: &output)
        } else {
          output.unicodeScalars.append(scalar)
        }
      case "\u{2028}", "\u{2029}", "\u{00}"..."\u{1F}":
        appendUnicodeEscape(scalar, to: &output)
      default:
        output.unicodeScalars.append(scalar)
      }
    }
    output.unicodeScalars.append("\"")
  }

  /// Appends `\uXXXX` (lowercase hex, as Go writes it).
  private static func appendUnicodeEscape(_ scalar: Unicode.Scalar, to output: inout String) {
    output += "\\u"
    let value = Int(scalar.value)
    for shift in [12, 8, 4, 0] {
      output.unicodeScalars.append(hexDigits[(value >> shift) & 0xF])
    }
  }
}
