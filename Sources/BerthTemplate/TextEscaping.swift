/// Go's `html`, `js` and `urlquery` template escapers.
enum TextEscaping {
  /// `template.HTMLEscapeString`.
  static func html(_ string: String) -> String {
    var result = ""
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": result += "&#34;"
      case "'": result += "&#39;"
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\u{0}": result += "\u{FFFD}"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// `template.JSEscapeString`.
  static func javaScript(_ string: String) -> String {
    var result = ""
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\\": result += "\\\\"
      case "'": result += "\\'"
      case "\"": result += "\\\""
      case "<", ">", "&", "=", "\u{0}"..."\u{1F}":
        result += "\\u" + GoQuote.hex(scalar.value, width: 4).uppercased()
      default:
        if scalar.isASCII || GoQuote.isPrintable(scalar) {
          result.unicodeScalars.append(scalar)
        } else {
          result += "\\u" + GoQuote.hex(scalar.value, width: 4).uppercased()
        }
      }
    }
    return result
  }

  /// `url.QueryEscape`.
  static func urlQuery(_ string: String) -> String {
    var result = ""
    for byte in string.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
        UInt8(ascii: "~"):
        result.unicodeScalars.append(Unicode.Scalar(byte))
      case UInt8(ascii: " "):
        result += "+"
      default:
        result += "%" + GoQuote.hex(UInt32(byte), width: 2).uppercased()
      }
    }
    return result
  }
}
