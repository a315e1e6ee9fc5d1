/// Go's `fmt` for the values a template handles (which come from JSON): `%v` printing,
/// `Sprint`, `Sprintln` and `Sprintf` with the common verbs and flags.
///
/// Go's types are approximated from JSON: strings are `string`, integers `int`, other numbers
/// `float64`, booleans `bool`, arrays `[]interface {}`, objects `map[string]interface {}` and
/// `null` a nil interface (`<nil>`). Maps print with sorted keys, as Go prints them.
enum GoFormat {
  /// The Go type name used in messages such as `%!d(string=x)`.
  static func typeName(_ value: JSONValue?) -> String {
    switch value {
    case nil, .null?: "<nil>"
    case .bool?: "bool"
    case .int?: "int"
    case .double?: "float64"
    case .string?: "string"
    case .array?: "[]interface {}"
    case .object?: "map[string]interface {}"
    }
  }

  /// `%v`.
  static func print(_ value: JSONValue) -> String {
    format(value, verb: "v", flags: Flags())
  }

  /// Object members sorted by key, byte-wise, as Go's `fmtsort` orders string keys.
  static func sortedMembers(_ members: [(key: String, value: JSONValue)]) -> [(key: String, value: JSONValue)] {
    members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
  }

  /// `fmt.Sprint`: operands printed with `%v`, a space between two operands when neither is a
  /// string.
  static func sprint(_ arguments: [JSONValue?]) -> String {
    var output = ""
    var previousWasString = false
    for (index, argument) in arguments.enumerated() {
      let isString = argument?.stringValue != nil
      if index > 0 && !isString && !previousWasString { output += " " }
      output += format(argument, verb: "v", flags: Flags())
      previousWasString = isString
    }
    return output
  }

  /// `fmt.Sprintln`: operands printed with `%v`, separated by spaces, then a newline.
  static func sprintln(_ arguments: [JSONValue?]) -> String {
    arguments.map { format($0, verb: "v", flags: Flags()) }.joined(separator: " ") + "\n"
  }

  /// Parsed flags, width and precision of one verb.
  struct Flags {
    var plus = false
    var minus = false
    var sharp = false
    var space = false
    var zero = false
    var width: Int?
    var precision: Int?
  }

  /// `fmt.Sprintf`.
  static func sprintf(_ format: String, _ arguments: [JSONValue?]) -> String {
    let scalars = Array(format.unicodeScalars)
    var output = ""
    var argumentIndex = 0
    var index = 0
    var reordered = false
    var goodArgumentIndex = true
    /// `[n]` explicit argument index (1-based), as in `%[2]d`.
    func readArgumentIndex() {
      guard index < scalars.count, scalars[index] == "[" else { return }
      reordered = true
      guard let close = scalars[index...].firstIndex(of: "]") else {
        goodArgumentIndex = false
        index = scalars.count
        return
      }
      let text = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
      index = close + 1
      if let value = Int(text), value >= 1, value <= arguments.count {
        argumentIndex = value - 1
      } else {
        goodArgumentIndex = false
      }
    }
    func readNumber() -> Int? {
      var value: Int?
      while index < scalars.count, let digit = Int(String(scalars[index])), scalars[index].isASCII {
        value = (value ?? 0) * 10 + digit
        index += 1
      }
      return value
    }
    func readStar() -> Int? {
      guard argumentIndex < arguments.count, case .int(let value)? = arguments[argumentIndex] else {
        output += "%!(BADWIDTH)"
        argumentIndex += 1
        return nil
      }
      argumentIndex += 1
      return Int(value)
    }
    while index < scalars.count {
      let scalar = scalars[index]
      index += 1
      guard scalar == "%" else {
        output.unicodeScalars.append(scalar)
        continue
      }
      var flags = Flags()
      goodArgumentIndex = true
      flagLoop: while index < scalars.count {
        switch scalars[index] {
        case "+": flags.plus = true
        case "-":
          flags.minus = true
          flags.zero = false
        case "#": flags.sharp = true
        case " ": flags.space = true
        case "0": flags.zero = !flags.minus
        default: break flagLoop
        }
        index += 1
      }
      readArgumentIndex()
      if index < scalars.count, scalars[index] == "*" {
        index += 1
        flags.width = readStar()
        if let width = flags.width, width < 0 {
          flags.minus = true
          flags.zero = false
          flags.width = -width
        }
      } else {
        flags.width = readNumber()
      }
      if index < scalars.count, scalars[index] == "." {
        index += 1
        readArgumentIndex()
        if index < scalars.count, scalars[index] == "*" {
          index += 1
          flags.precision = readStar()
          if let precision = flags.precision, precision < 0 { flags.precision = nil }
        } else {
          flags.precision = readNumber() ?? 0
        }
      }
      readArgumentIndex()
      guard index < scalars.count else {
        output += "%!(NOVERB)"
        break
      }
      let verb = scalars[index]
      index += 1
      if verb == "%" {
        output += "%"
        continue
      }
      guard goodArgumentIndex else {
        output += "%!" + String(verb) + "(BADINDEX)"
        continue
      }
      guard argumentIndex < arguments.count else {
        output += "%!" + String(verb) + "(MISSING)"
        continue
      }
      output += GoFormat.format(arguments[argumentIndex], verb: verb, flags: flags)
      argumentIndex += 1
    }
    if !reordered && argumentIndex < arguments.count {
      output += "%!(EXTRA "
      output += arguments[argumentIndex...].map { argument in
        guard let argument, argument != .null else { return "<nil>" }
        return typeName(argument) + "=" + GoFormat.print(argument)
      }.joined(separator: ", ")
      output += ")"
    }
    return output
  }

  /// One operand with one verb; arrays and objects apply the verb to each element.
  static func format(_ value: JSONValue?, verb: Unicode.Scalar, flags: Flags) -> String {
    guard let value, value != .null else {
      return verb == "v" || verb == "T" ? pad("<nil>", flags) : "%!" + String(verb) + "(<nil>)"
    }
    if verb == "T" { return pad(typeName(value), flags) }
    switch value {
    case .null:
      return pad("<nil>", flags)
    case .bool(let bool):
      return verb == "v" || verb == "t" ? pad(bool ? "true" : "false", flags) : badVerb(verb, value)
    case .int(let integer):
      return formatInteger(integer, verb: verb, flags: flags) ?? badVerb(verb, value)
    case .double(let double):
      return formatFloat(double, verb: verb, flags: flags) ?? badVerb(verb, value)
    case .string(let string):
      return formatString(string, verb: verb, flags: flags) ?? badVerb(verb, value)
    case .array(let elements):
      return "[" + elements.map { format($0, verb: verb, flags: flags) }.joined(separator: " ") + "]"
    case .object(let members):
      return "map["
        + sortedMembers(members).map { member in
          format(.string(member.key), verb: verb, flags: flags) + ":" + format(member.value, verb: verb, flags: flags)
        }.joined(separator: " ") + "]"
    }
  }

  /// `%!verb(type=value)`.
  static func badVerb(_ verb: Unicode.Scalar, _ value: JSONValue) -> String {
    "%!" + String(verb) + "(" + typeName(value) + "=" + print(value) + ")"
  }

  /// Pads to the width, on the left unless `-`; zeros when `0` is set.
  static func pad(_ text: String, _ flags: Flags) -> String {
    guard let width = flags.width else { return text }
    let missing = width - text.unicodeScalars.count
    guard missing > 0 else { return text }
    if flags.minus { return text + String(repeating: " ", count: missing) }
    return String(repeating: flags.zero ? "0" : " ", count: missing) + text
  }

  /// Pads a number: zero padding goes between the sign and the digits.
  static func padNumber(sign: String, digits: String, _ flags: Flags) -> String {
    if flags.zero, !flags.minus, let width = flags.width {
      let missing = width - sign.count - digits.unicodeScalars.count
      if missing > 0 { return sign + String(repeating: "0", count: missing) + digits }
    }
    var spaceFlags = flags
    spaceFlags.zero = false
    return pad(sign + digits, spaceFlags)
  }

  private static func sign(negative: Bool, _ flags: Flags) -> String {
    negative ? "-" : flags.plus ? "+" : flags.space ? " " : ""
  }

  static func formatInteger(_ value: Int64, verb: Unicode.Scalar, flags: Flags) -> String? {
    let radix: Int
    var prefix = ""
    switch verb {
    case "v", "d": radix = 10
    case "b":
      radix = 2
      if flags.sharp { prefix = "0b" }
    case "o":
      radix = 8
      if flags.sharp { prefix = "0" }
    case "O":
      radix = 8
      prefix = "0o"
    case "x":
      radix = 16
      if flags.sharp { prefix = "0x" }
    case "X":
      radix = 16
      if flags.sharp { prefix = "0X" }
    case "c":
      let scalar = Unicode.Scalar(UInt32(clamping: max(0, value))) ?? "\u{FFFD}"
      return pad(String(scalar), flags)
    case "q":
      return pad(GoQuote.quoteRune(value), flags)
    case "U":
      let scalarValue = UInt32(clamping: max(0, value))
      var text = "U+" + GoQuote.hex(scalarValue, width: 4).uppercased()
      if flags.sharp, let scalar = Unicode.Scalar(scalarValue), GoQuote.isPrintable(scalar) {
        text += " '" + String(scalar) + "'"
      }
      return pad(text, flags)
    default:
      return nil
    }
    var digits = String(value.magnitude, radix: radix, uppercase: verb == "X")
    if let precision = flags.precision {
      if precision == 0 && value == 0 { digits = "" }
      if digits.count < precision { digits = String(repeating: "0", count: precision - digits.count) + digits }
      var unpadded = flags
      unpadded.zero = false
      return padNumber(sign: sign(negative: value < 0, flags) + prefix, digits: digits, unpadded)
    }
    return padNumber(sign: sign(negative: value < 0, flags) + prefix, digits: digits, flags)
  }

  static func formatFloat(_ value: Double, verb: Unicode.Scalar, flags: Flags) -> String? {
    var text: String
    switch verb {
    case "v", "g", "G":
      if let precision = flags.precision {
        text = GoFloat.withPrecision(
          value, verb: Character(verb == "v" ? "g" : verb), precision: precision,
          plus: false, sharp: flags.sharp)
      } else {
        text = GoFloat.shortest(value)
        if verb == "G" { text = text.uppercased() }
      }
    case "e", "E", "f", "F":
      text = GoFloat.withPrecision(
        value, verb: Character(verb), precision: flags.precision ?? 6, plus: false,
        sharp: flags.sharp)
    default:
      return nil
    }
    let negative = text.hasPrefix("-")
    if negative { text.removeFirst() }
    if value.isNaN { return pad(flags.plus ? "+NaN" : "NaN", flags) }
    if value.isInfinite {
      text.removeAll { $0 == "+" }
      return pad(sign(negative: negative, flags) + "Inf", flags)
    }
    return padNumber(sign: sign(negative: negative, flags), digits: text, flags)
  }

  static func formatString(_ value: String, verb: Unicode.Scalar, flags: Flags) -> String? {
    var text = value
    if let precision = flags.precision, text.unicodeScalars.count > precision {
      text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(precision)))
    }
    switch verb {
    case "v", "s":
      return pad(text, flags)
    case "q":
      if flags.sharp, !text.contains("`"), text.unicodeScalars.allSatisfy({ $0 == "\t" || GoQuote.isPrintable($0) }) {
        return pad("`" + text + "`", flags)
      }
      return pad(GoQuote.quote(text), flags)
    case "x", "X":
      let hex = text.utf8.map { byte in
        let digits = String(byte, radix: 16, uppercase: verb == "X")
        return digits.count == 1 ? "0" + digits : digits
      }
      let prefix = flags.sharp ? (verb == "X" ? "0X" : "0x") : ""
      if flags.space {
        return pad(hex.map { prefix + $0 }.joined(separator: " "), flags)
      }
      return pad(prefix + hex.joined(), flags)
    default:
      return nil
    }
  }
}
