import Foundation

/// How each instruction's text after the keyword and flags becomes arguments, as BuildKit's
/// `line_parsers.go` does it. Variables are not expanded here.
struct ParsedArguments {
  var arguments: [String] = []
  var isJSON = false
  var isLegacyKeyValue = false
}

enum LineParsers {
  typealias Partial = LocatedMessage.Partial

  static let notStringArray = "when using JSON array syntax, arrays must be comprised of strings only"

  /// Splits at runs of `[\t\v\f\r ]` (BuildKit's `reWhitespace`).
  static func splitWhitespace(_ text: String, maxParts: Int = .max) -> [String] {
    var parts: [String] = []
    var current = String.UnicodeScalarView()
    var scalars = text.unicodeScalars[...]
    while let scalar = scalars.first {
      if isSeparator(scalar), parts.count + 1 < maxParts {
        parts.append(String(current))
        current = String.UnicodeScalarView()
        scalars = scalars.drop(while: isSeparator)
        continue
      }
      current.append(scalar)
      scalars = scalars.dropFirst()
    }
    parts.append(String(current))
    return parts
  }

  static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
    scalar == " " || scalar == "\t" || scalar == "\u{0B}" || scalar == "\u{0C}" || scalar == "\r"
  }

  /// Words separated by whitespace, quotes and escapes kept (they are removed at expansion).
  static func words(_ rest: String, escape: Unicode.Scalar) -> [String] {
    var words: [String] = []
    var current = String.UnicodeScalarView()
    var blankOK = false
    var quote: Unicode.Scalar?
    var inWord = false
    let scalars = Array(rest.unicodeScalars)
    var index = 0
    func flush() {
      if blankOK || !current.isEmpty { words.append(String(current)) }
      current = String.UnicodeScalarView()
      blankOK = false
    }
    while index < scalars.count {
      var scalar = scalars[index]
      if !inWord && quote == nil {
        if scalar.isGoSpace {
          index += 1
          continue
        }
        inWord = true
      }
      if let open = quote {
        if scalar == open { quote = nil }
        if scalar == escape && open != "'" {
          if index + 1 == scalars.count {
            quote = nil
            index += 1
            continue
          }
          current.append(scalar)
          index += 1
          scalar = scalars[index]
        }
        current.append(scalar)
        index += 1
        continue
      }
      if scalar.isGoSpace {
        inWord = false
        flush()
        index += 1
        continue
      }
      if scalar == "'" || scalar == "\"" {
        quote = scalar
        blankOK = true
      }
      if scalar == escape {
        if index + 1 == scalars.count {
          index += 1
          continue
        }
        current.append(scalar)
        index += 1
        scalar = scalars[index]
      }
      current.append(scalar)
      index += 1
    }
    if inWord || quote != nil { flush() }
    return words
  }

  /// A JSON array of strings, or nil when `rest` is not valid JSON (the caller then falls back to
  /// the shell form). Throws when it is a JSON array with a non-string element.
  static func jsonArray(_ rest: String) throws(Partial) -> [String]? {
    let trimmed = rest.drop { $0.unicodeScalars.allSatisfy(\.isGoSpace) }
    guard trimmed.hasPrefix("[") else { return nil }
    guard let value = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: []),
      let array = value as? [Any]
    else { return nil }
    var strings: [String] = []
    for element in array {
      guard let string = element as? String else { throw Partial(notStringArray) }
      strings.append(string)
    }
    return strings
  }

  static func maybeJSON(_ rest: String) throws(Partial) -> ParsedArguments {
    guard !rest.isEmpty else { return ParsedArguments() }
    if let array = try jsonArray(rest) { return ParsedArguments(arguments: array, isJSON: true) }
    return ParsedArguments(arguments: [rest])
  }

  static func maybeJSONToList(_ rest: String) throws(Partial) -> ParsedArguments {
    if let array = try jsonArray(rest) { return ParsedArguments(arguments: array, isJSON: true) }
    return whitespaceDelimited(rest)
  }

  static func whitespaceDelimited(_ rest: String) -> ParsedArguments {
    guard !rest.isEmpty else { return ParsedArguments() }
    return ParsedArguments(arguments: splitWhitespace(rest))
  }

  static func string(_ rest: String) -> ParsedArguments {
    ParsedArguments(arguments: rest.isEmpty ? [] : [rest])
  }

  /// `ENV`/`LABEL`: `key value` (legacy) or `key=value key2="v 2"`; returns key, value pairs.
  static func nameValue(_ rest: String, keyword: String, escape: Unicode.Scalar) throws(Partial) -> ParsedArguments {
    let words = words(rest, escape: escape)
    guard let first = words.first else { return ParsedArguments() }
    if !first.contains("=") {
      let parts = splitWhitespace(rest, maxParts: 2)
      guard parts.count == 2 else { throw Partial("\(keyword) must have two arguments") }
      return ParsedArguments(arguments: parts, isLegacyKeyValue: true)
    }
    var arguments: [String] = []
    for word in words {
      guard let equals = word.firstIndex(of: "=") else {
        throw Partial("Syntax error - can't find = in \(goQuoted(word)). Must be of the form: name=value")
      }
      arguments.append(String(word[..<equals]))
      arguments.append(String(word[word.index(after: equals)...]))
    }
    return ParsedArguments(arguments: arguments)
  }

  /// `HEALTHCHECK`: a type word (`CMD`, `NONE`) followed by a JSON or shell command.
  static func healthConfig(_ rest: String) throws(Partial) -> ParsedArguments {
    let scalars = rest.unicodeScalars
    guard let separator = scalars.firstIndex(where: \.isGoSpace) ?? (scalars.isEmpty ? nil : scalars.endIndex),
      separator != scalars.startIndex
    else { return ParsedArguments() }
    let type = String(scalars[..<separator])
    let command = String(String.UnicodeScalarView(scalars[separator...].drop(while: \.isGoSpace)))
    var parsed = try maybeJSON(command)
    parsed.arguments.insert(type, at: 0)
    return parsed
  }
}
