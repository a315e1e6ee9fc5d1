/// The state of one expansion: a cursor over the word's Unicode scalars (Go's runes).
struct ShellLexer {
  struct Failure: Error {
    var message: String
  }

  let options: ShellWordExpander
  let source: [Unicode.Scalar]
  let lookup: (String) -> String?
  var position = 0
  var rawEscapes: Bool

  init(options: ShellWordExpander, source: String, lookup: @escaping (String) -> String?) {
    self.options = options
    self.source = Array(source.unicodeScalars)
    self.lookup = lookup
    self.rawEscapes = options.keepsEscapes
  }

  func peek() -> Unicode.Scalar? {
    position < source.count ? source[position] : nil
  }

  mutating func next() -> Unicode.Scalar? {
    guard position < source.count else { return nil }
    defer { position += 1 }
    return source[position]
  }

  /// Processes up to `stop` (consumed) or the end of the word.
  mutating func process(stopAt stop: Unicode.Scalar?, rawEscapes: Bool) throws(Failure) -> (
    result: String, words: [String]
  ) {
    let saved = self.rawEscapes
    self.rawEscapes = rawEscapes
    defer { self.rawEscapes = saved }

    var result = String.UnicodeScalarView()
    var words = WordAccumulator()
    while let scalar = peek() {
      if let stop, scalar == stop {
        position += 1
        return (String(result), words.finish())
      }
      switch scalar {
      case "$":
        let value = try processDollar()
        result.append(contentsOf: value.unicodeScalars)
        words.add(value)
      case "<":
        let value = processPossibleHeredoc()
        result.append(contentsOf: value.unicodeScalars)
        words.addRaw(value)
      case "'" where !options.ignoresQuotes:
        let value = try processSingleQuote()
        result.append(contentsOf: value.unicodeScalars)
        words.addRaw(value)
      case "\"" where !options.ignoresQuotes:
        let value = try processDoubleQuote()
        result.append(contentsOf: value.unicodeScalars)
        words.addRaw(value)
      default:
        position += 1
        if scalar == options.escapeCharacter {
          if self.rawEscapes {
            words.addRaw(scalar)
            result.append(scalar)
          }
          guard let escaped = next() else { break }
          words.addRaw(escaped)
          result.append(escaped)
        } else {
          words.add(scalar)
          result.append(scalar)
        }
      }
    }
    if let stop {
      throw Failure(message: "unexpected end of statement while looking for matching \(Character(stop))")
    }
    return (String(result), words.finish())
  }

  mutating func processSingleQuote() throws(Failure) -> String {
    var result = String.UnicodeScalarView()
    let open = next()
    if options.keepsQuotes, let open { result.append(open) }
    while true {
      guard let scalar = next() else {
        throw Failure(message: "unexpected end of statement while looking for matching single-quote")
      }
      if scalar == "'" {
        if options.keepsQuotes { result.append(scalar) }
        return String(result)
      }
      result.append(scalar)
    }
  }

  mutating func processDoubleQuote() throws(Failure) -> String {
    var result = String.UnicodeScalarView()
    let open = next()
    if options.keepsQuotes, let open { result.append(open) }
    while true {
      guard let scalar = peek() else {
        throw Failure(message: "unexpected end of statement while looking for matching double-quote")
      }
      if scalar == "\"" {
        position += 1
        if options.keepsQuotes { result.append(scalar) }
        return String(result)
      }
      if scalar == "$" {
        result.append(contentsOf: try processDollar().unicodeScalars)
        continue
      }
      position += 1
      var character = scalar
      if scalar == options.escapeCharacter {
        if rawEscapes { result.append(scalar) }
        guard let following = peek() else { continue }
        if following == "\"" || following == "$" || following == options.escapeCharacter {
          character = following
          position += 1
        }
      }
      result.append(character)
    }
  }

  mutating func processPossibleHeredoc() -> String {
    position += 1
    guard peek() == "<" else { return "<" }
    position += 1
    var result = "<<"
    while let scalar = peek(), scalar == " " || scalar == "\t" || scalar == "\r" {
      result.unicodeScalars.append(scalar)
      position += 1
    }
    return result
  }

  /// Reads a variable name: letters, digits and `_`; or all the digits of a positional parameter;
  /// or one special parameter character.
  mutating func processName() -> String {
    var name = String.UnicodeScalarView()
    while let scalar = peek() {
      if name.isEmpty, scalar.isDecimalDigit {
        while let digit = peek(), digit.isDecimalDigit {
          name.append(digit)
          position += 1
        }
        return String(name)
      }
      if name.isEmpty, "@*#?-$!0".unicodeScalars.contains(scalar) {
        position += 1
        return String(scalar)
      }
      guard scalar.isLetter || scalar.isDecimalDigit || scalar == "_" else { break }
      name.append(scalar)
      position += 1
    }
    return String(name)
  }

  func variable(_ name: String) -> String? {
    lookup(name)
  }
}

extension Unicode.Scalar {
  /// Go's `unicode.IsDigit`.
  var isDecimalDigit: Bool { properties.generalCategory == .decimalNumber }

  /// Go's `unicode.IsLetter`.
  var isLetter: Bool {
    switch properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
    default: false
    }
  }

  /// Go's `unicode.IsSpace`.
  var isGoSpace: Bool {
    switch value {
    case 0x09...0x0D, 0x20, 0x85, 0xA0: true
    default: value > 0xFF && properties.isWhitespace
    }
  }
}

/// Splits expanded text into words the way BuildKit's `wordsStruct` does: characters that came
/// from quotes or escapes never split a word.
struct WordAccumulator {
  var buffer = String.UnicodeScalarView()
  var words: [String] = []
  var inWord = false

  mutating func add(_ scalar: Unicode.Scalar) {
    if scalar.isGoSpace {
      if inWord, !buffer.isEmpty {
        words.append(String(buffer))
        buffer = String.UnicodeScalarView()
        inWord = false
      }
    } else {
      addRaw(scalar)
    }
  }

  mutating func add(_ string: String) {
    for scalar in string.unicodeScalars { add(scalar) }
  }

  mutating func addRaw(_ scalar: Unicode.Scalar) {
    buffer.append(scalar)
    inWord = true
  }

  mutating func addRaw(_ string: String) {
    buffer.append(contentsOf: string.unicodeScalars)
    inWord = true
  }

  mutating func finish() -> [String] {
    if !buffer.isEmpty {
      words.append(String(buffer))
      buffer = String.UnicodeScalarView()
      inWord = false
    }
    return words
  }
}
