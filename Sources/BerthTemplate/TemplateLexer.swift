/// Go's `text/template` lexer (`text/template/parse/lex.go`), state for state, over UTF-8
/// bytes. Produces every token up to and including `eof`, or up to the first `error` token.
struct TemplateLexer {
  private enum State {
    case text, leftDelim, comment, rightDelim, insideAction, space, quote, rawQuote, variable, field
    case character, number, identifier, done
  }

  private let input: [UInt8]
  private var start = 0
  private var position = 0
  private var lastWidth = 0
  private var parenDepth = 0
  private var tokens: [Token] = []
  private var lineCountedTo = 0
  private var lineCount = 1

  private static let leftDelimiter = Array("{{".utf8)
  private static let rightDelimiter = Array("}}".utf8)
  private static let leftComment = Array("/*".utf8)
  private static let rightComment = Array("*/".utf8)
  private static let trimMarker = UInt8(ascii: "-")

  /// Lexes `source` completely.
  static func tokenize(_ source: String) -> [Token] {
    var lexer = TemplateLexer(input: Array(source.utf8))
    var state = State.text
    while state != .done {
      state = lexer.step(state)
    }
    return lexer.tokens
  }

  private init(input: [UInt8]) {
    self.input = input
  }

  private mutating func step(_ state: State) -> State {
    switch state {
    case .text: lexText()
    case .leftDelim: lexLeftDelim()
    case .comment: lexComment()
    case .rightDelim: lexRightDelim()
    case .insideAction: lexInsideAction()
    case .space: lexSpace()
    case .quote: lexQuote()
    case .rawQuote: lexRawQuote()
    case .variable: lexVariable()
    case .field: lexFieldOrVariable(.field)
    case .character: lexChar()
    case .number: lexNumber()
    case .identifier: lexIdentifier()
    case .done: .done
    }
  }

  // MARK: Reading

  /// The line (1-based) of byte offset `offset`; offsets are asked for in increasing order.
  private mutating func line(at offset: Int) -> Int {
    if offset < lineCountedTo {
      lineCountedTo = 0
      lineCount = 1
    }
    for index in lineCountedTo..<offset where input[index] == UInt8(ascii: "\n") {
      lineCount += 1
    }
    lineCountedTo = offset
    return lineCount
  }

  /// Decodes the character at `position`, or nil at the end.
  private func decode(at offset: Int) -> (scalar: Unicode.Scalar, width: Int)? {
    guard offset < input.count else { return nil }
    let byte = input[offset]
    if byte < 0x80 { return (Unicode.Scalar(byte), 1) }
    var iterator = input[offset...].makeIterator()
    var decoder = UTF8()
    if case .scalarValue(let scalar) = decoder.decode(&iterator) {
      return (scalar, UTF8.width(scalar))
    }
    return ("\u{FFFD}", 1)
  }

  private mutating func next() -> Unicode.Scalar? {
    guard let (scalar, width) = decode(at: position) else {
      lastWidth = 0
      return nil
    }
    lastWidth = width
    position += width
    return scalar
  }

  private mutating func backup() {
    position -= lastWidth
  }

  private func peek() -> Unicode.Scalar? {
    decode(at: position)?.scalar
  }

  private func hasPrefix(_ prefix: [UInt8], at offset: Int) -> Bool {
    offset >= 0 && offset + prefix.count <= input.count && input[offset..<(offset + prefix.count)].elementsEqual(prefix)
  }

  private func find(_ needle: [UInt8], from offset: Int) -> Int? {
    var index = offset
    while index + needle.count <= input.count {
      if hasPrefix(needle, at: index) { return index }
      index += 1
    }
    return nil
  }

  private static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
  }

  private static func isSpace(_ scalar: Unicode.Scalar?) -> Bool {
    guard let scalar, scalar.isASCII else { return false }
    return isSpace(UInt8(scalar.value))
  }

  /// Go's `isAlphaNumeric`: `_`, a Unicode letter or a Unicode digit.
  static func isAlphaNumeric(_ scalar: Unicode.Scalar?) -> Bool {
    guard let scalar else { return false }
    if scalar == "_" { return true }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
      return true
    default:
      return false
    }
  }

  private func hasLeftTrimMarker(at offset: Int) -> Bool {
    offset + 1 < input.count && input[offset] == TemplateLexer.trimMarker && TemplateLexer.isSpace(input[offset + 1])
  }

  private func hasRightTrimMarker(at offset: Int) -> Bool {
    offset >= 0 && offset + 1 < input.count && TemplateLexer.isSpace(input[offset])
      && input[offset + 1] == TemplateLexer.trimMarker
  }

  /// Whether a right delimiter (possibly with a trim marker) starts at `position`.
  private func atRightDelim() -> (delimiter: Bool, trimSpaces: Bool) {
    if hasRightTrimMarker(at: position) && hasPrefix(TemplateLexer.rightDelimiter, at: position + 2) {
      return (true, true)
    }
    return (hasPrefix(TemplateLexer.rightDelimiter, at: position), false)
  }

  private func rightTrimLength(_ range: Range<Int>) -> Int {
    var count = 0
    while count < range.count, TemplateLexer.isSpace(input[range.upperBound - count - 1]) { count += 1 }
    return count
  }

  private func leftTrimLength(from offset: Int) -> Int {
    var count = 0
    while offset + count < input.count, TemplateLexer.isSpace(input[offset + count]) { count += 1 }
    return count
  }

  /// Go's `atTerminator`: what may follow a field, variable or identifier.
  private func atTerminator() -> Bool {
    guard let scalar = peek() else { return true }
    if TemplateLexer.isSpace(scalar) { return true }
    switch scalar {
    case ".", ",", "|", ":", ")", "(": return true
    default: return hasPrefix(TemplateLexer.rightDelimiter, at: position)
    }
  }

  // MARK: Emitting

  private mutating func makeToken(_ kind: TokenKind, _ range: Range<Int>) -> Token {
    Token(
      kind: kind, text: String(decoding: input[range], as: UTF8.self), position: range.lowerBound,
      line: line(at: range.lowerBound))
  }

  private mutating func emit(_ kind: TokenKind) {
    tokens.append(makeToken(kind, start..<position))
    start = position
  }

  private mutating func ignore() {
    start = position
  }

  private mutating func fail(_ message: String) -> State {
    tokens.append(Token(kind: .error, text: message, position: start, line: line(at: start)))
    return .done
  }

  // MARK: States

  private mutating func lexText() -> State {
    if let delimiter = find(TemplateLexer.leftDelimiter, from: position) {
      if delimiter > position {
        position = delimiter
        let trimLength =
          hasLeftTrimMarker(at: position + TemplateLexer.leftDelimiter.count) ? rightTrimLength(start..<position) : 0
        if position - trimLength > start {
          tokens.append(makeToken(.text, start..<(position - trimLength)))
        }
        ignore()
      }
      return .leftDelim
    }
    position = input.count
    if position > start { emit(.text) }
    emit(.eof)
    return .done
  }

  private mutating func lexLeftDelim() -> State {
    position += TemplateLexer.leftDelimiter.count
    let afterMarker = hasLeftTrimMarker(at: position) ? 2 : 0
    if hasPrefix(TemplateLexer.leftComment, at: position + afterMarker) {
      position += afterMarker
      ignore()
      return .comment
    }
    emit(.leftDelim)
    position += afterMarker
    ignore()
    parenDepth = 0
    return .insideAction
  }

  private mutating func lexComment() -> State {
    position += TemplateLexer.leftComment.count
    guard let end = find(TemplateLexer.rightComment, from: position) else { return fail("unclosed comment") }
    position = end + TemplateLexer.rightComment.count
    let (delimiter, trimSpaces) = atRightDelim()
    guard delimiter else { return fail("comment ends before closing delimiter") }
    if trimSpaces { position += 2 }
    position += TemplateLexer.rightDelimiter.count
    if trimSpaces { position += leftTrimLength(from: position) }
    ignore()
    return .text
  }

  private mutating func lexRightDelim() -> State {
    let (_, trimSpaces) = atRightDelim()
    if trimSpaces {
      position += 2
      ignore()
    }
    position += TemplateLexer.rightDelimiter.count
    emit(.rightDelim)
    if trimSpaces {
      position += leftTrimLength(from: position)
      ignore()
    }
    return .text
  }

  private mutating func lexInsideAction() -> State {
    if atRightDelim().delimiter {
      return parenDepth == 0 ? .rightDelim : fail("unclosed left paren")
    }
    guard let scalar = next() else { return fail("unclosed action") }
    switch scalar {
    case _ where TemplateLexer.isSpace(scalar):
      backup()
      return .space
    case "=":
      emit(.assign)
    case ":":
      guard next() == "=" else { return fail("expected :=") }
      emit(.declare)
    case "|":
      emit(.pipe)
    case "\"":
      return .quote
    case "`":
      return .rawQuote
    case "$":
      return .variable
    case "'":
      return .character
    case ".":
      if position < input.count, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position]) {
        return .field
      }
      backup()
      return .number
    case "+", "-", "0"..."9":
      backup()
      return .number
    case _ where TemplateLexer.isAlphaNumeric(scalar):
      backup()
      return .identifier
    case "(":
      parenDepth += 1
      emit(.leftParen)
    case ")":
      parenDepth -= 1
      if parenDepth < 0 { return fail("unexpected right paren") }
      emit(.rightParen)
    case " "..."~":
      emit(.char)
    default:
      return fail("unrecognized character in action: \(GoQuote.describeCharacter(scalar))")
    }
    return .insideAction
  }

  private mutating func lexSpace() -> State {
    var spaces = 0
    while TemplateLexer.isSpace(peek()) {
      _ = next()
      spaces += 1
    }
    // A trim-marked right delimiter starts with a space: leave that space to it.
    if hasRightTrimMarker(at: position - 1) && hasPrefix(TemplateLexer.rightDelimiter, at: position + 1) {
      position -= 1
      if spaces == 1 { return .rightDelim }
    }
    emit(.space)
    return .insideAction
  }

  private mutating func lexQuote() -> State {
    while true {
      switch next() {
      case "\\":
        if let escaped = next(), escaped != "\n" { continue }
        return fail("unterminated quoted string")
      case nil, "\n":
        return fail("unterminated quoted string")
      case "\"":
        emit(.string)
        return .insideAction
      default:
        continue
      }
    }
  }

  private mutating func lexRawQuote() -> State {
    while true {
      switch next() {
      case nil: return fail("unterminated raw quoted string")
      case "`":
        emit(.rawString)
        return .insideAction
      default: continue
      }
    }
  }

  private mutating func lexChar() -> State {
    while true {
      switch next() {
      case "\\":
        if let escaped = next(), escaped != "\n" { continue }
        return fail("unterminated character constant")
      case nil, "\n":
        return fail("unterminated character constant")
      case "'":
        emit(.charConstant)
        return .insideAction
      default:
        continue
      }
    }
  }

  private mutating func lexVariable() -> State {
    if atTerminator() {
      emit(.variable)
      return .insideAction
    }
    return lexFieldOrVariable(.variable)
  }

  private mutating func lexFieldOrVariable(_ kind: TokenKind) -> State {
    if atTerminator() {
      emit(kind == .variable ? .variable : .dot)
      return .insideAction
    }
    var scalar: Unicode.Scalar?
    while true {
      scalar = next()
      if !TemplateLexer.isAlphaNumeric(scalar) {
        backup()
        break
      }
    }
    guard atTerminator() else { return fail("bad character \(GoQuote.describeCharacter(scalar ?? "\u{FFFD}"))") }
    emit(kind)
    return .insideAction
  }

  private mutating func lexIdentifier() -> State {
    var scalar: Unicode.Scalar?
    repeat {
      scalar = next()
    } while TemplateLexer.isAlphaNumeric(scalar)
    backup()
    guard atTerminator() else { return fail("bad character \(GoQuote.describeCharacter(scalar ?? "\u{FFFD}"))") }
    let word = String(decoding: input[start..<position], as: UTF8.self)
    if let keyword = TokenKind.keyword(word) {
      emit(keyword)
    } else if word == "true" || word == "false" {
      emit(.bool)
    } else {
      emit(.identifier)
    }
    return .insideAction
  }

  private mutating func lexNumber() -> State {
    guard scanNumber() else {
      return fail("bad number syntax: \(GoQuote.quote(String(decoding: input[start..<position], as: UTF8.self)))")
    }
    if let sign = peek(), sign == "+" || sign == "-" {
      // Go accepts complex constants such as 1+2i here; templates for JSON data have no use for them.
      _ = scanNumber()
      return fail("bad number syntax: \(GoQuote.quote(String(decoding: input[start..<position], as: UTF8.self)))")
    }
    emit(.number)
    return .insideAction
  }

  private mutating func accept(_ valid: String) -> Bool {
    if let scalar = peek(), valid.unicodeScalars.contains(scalar) {
      _ = next()
      return true
    }
    return false
  }

  private mutating func acceptRun(_ valid: String) {
    while accept(valid) {}
  }

  /// Go's `scanNumber`: sign, base prefix, digits with `_`, fraction, exponent, `i` suffix.
  private mutating func scanNumber() -> Bool {
    _ = accept("+-")
    var digits = "0123456789_"
    if accept("0") {
      if accept("xX") {
        digits = "0123456789abcdefABCDEF_"
      } else if accept("oO") {
        digits = "01234567_"
      } else if accept("bB") {
        digits = "01_"
      }
    }
    acceptRun(digits)
    if accept(".") { acceptRun(digits) }
    if digits.count == 11 && accept("eE") {
      _ = accept("+-")
      acceptRun("0123456789_")
    }
    if digits.count == 23 && accept("pP") {
      _ = accept("+-")
      acceptRun("0123456789_")
    }
    _ = accept("i")
    if TemplateLexer.isAlphaNumeric(peek()) {
      _ = next()
      return false
    }
    return true
  }
}
