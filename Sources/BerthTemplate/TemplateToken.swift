/// The kinds of lexical items of Go's `text/template` (`itemType` in `text/template/parse`).
enum TokenKind: Equatable, Sendable {
  case error, bool, char, charConstant, assign, declare, eof, field, identifier, leftDelim, leftParen
  case number, pipe, rawString, rightDelim, rightParen, space, string, text, variable
  // Keywords (and `.`), printed as `<word>` in messages.
  case keywordBlock, keywordBreak, keywordContinue, dot, keywordDefine, keywordElse, keywordEnd
  case keywordIf, keywordNil, keywordRange, keywordTemplate, keywordWith

  /// The keyword spelled `word`, if any.
  static func keyword(_ word: String) -> TokenKind? {
    switch word {
    case "block": .keywordBlock
    case "break": .keywordBreak
    case "continue": .keywordContinue
    case "define": .keywordDefine
    case "else": .keywordElse
    case "end": .keywordEnd
    case "if": .keywordIf
    case "nil": .keywordNil
    case "range": .keywordRange
    case "template": .keywordTemplate
    case "with": .keywordWith
    default: nil
    }
  }

  var isKeyword: Bool {
    switch self {
    case .keywordBlock, .keywordBreak, .keywordContinue, .dot, .keywordDefine, .keywordElse, .keywordEnd,
      .keywordIf, .keywordNil, .keywordRange, .keywordTemplate, .keywordWith:
      true
    default: false
    }
  }
}

/// One lexical item: its kind, its text, its byte offset and its line.
struct Token: Sendable, CustomStringConvertible {
  var kind: TokenKind
  var text: String
  var position: Int
  var line: Int

  /// Go's `item.String()`: `EOF`, the error message, `<keyword>`, or the quoted text (cut to
  /// 10 characters followed by `...`).
  var description: String {
    switch kind {
    case .eof: return "EOF"
    case .error: return text
    case _ where kind.isKeyword: return "<\(text)>"
    default:
      let characters = Array(text.unicodeScalars)
      if characters.count > 10 {
        return GoQuote.quote(String(String.UnicodeScalarView(characters.prefix(10)))) + "..."
      }
      return GoQuote.quote(text)
    }
  }
}
