/// A shell wildcard pattern as used by `${VAR#pattern}`, `${VAR%pattern}` and `${VAR/pattern/…}`:
/// `*` matches any run of characters (shortest or longest first), `?` one character, `\` escapes
/// `*`, `?` and `\`. Bracket expressions are not supported, as in BuildKit.
struct ShellPattern {
  enum Token: Equatable {
    case literal(Unicode.Scalar)
    case anyCharacter
    case anyRun
  }

  var tokens: [Token]
  var greedy: Bool

  static func compile(_ pattern: String, greedy: Bool) throws(ShellLexer.Failure) -> ShellPattern {
    var tokens: [Token] = []
    let scalars = Array(pattern.unicodeScalars)
    var index = 0
    while index < scalars.count {
      let scalar = scalars[index]
      index += 1
      switch scalar {
      case "*": tokens.append(.anyRun)
      case "?": tokens.append(.anyCharacter)
      case "\\":
        let following = index < scalars.count ? scalars[index] : nil
        if following == "}" || following == "/" { continue }
        index += 1
        guard let following, following == "*" || following == "?" || following == "\\" else {
          let shown = following.map { String(Character($0)) } ?? "%!c(int32=-1)"
          throw ShellLexer.Failure(
            message: "invalid pattern (\(pattern)) in substitution: invalid escape '\\\(shown)'")
        }
        tokens.append(.literal(following))
      default: tokens.append(.literal(scalar))
      }
    }
    return ShellPattern(tokens: tokens, greedy: greedy)
  }

  /// The end of the preferred match of the tokens starting at `start` of `text`, trying the
  /// alternatives in the order a backtracking regular expression engine would.
  private func matchEnd(_ text: [Unicode.Scalar], from start: Int, tokens: ArraySlice<Token>) -> Int? {
    guard let token = tokens.first else { return start }
    let rest = tokens.dropFirst()
    switch token {
    case .literal(let scalar):
      guard start < text.count, text[start] == scalar else { return nil }
      return matchEnd(text, from: start + 1, tokens: rest)
    case .anyCharacter:
      guard start < text.count, text[start] != "\n" else { return nil }
      return matchEnd(text, from: start + 1, tokens: rest)
    case .anyRun:
      var limit = start
      while limit < text.count, text[limit] != "\n" { limit += 1 }
      let ends = greedy ? Array((start...limit).reversed()) : Array(start...limit)
      for end in ends {
        if let found = matchEnd(text, from: end, tokens: rest) { return found }
      }
      return nil
    }
  }

  func trimmingPrefix(of value: String) -> String {
    let text = Array(value.unicodeScalars)
    guard let end = matchEnd(text, from: 0, tokens: tokens[...]) else { return value }
    return String(String.UnicodeScalarView(text[end...]))
  }

  func trimmingSuffix(of value: String) -> String {
    let reversed = ShellPattern(tokens: tokens.reversed(), greedy: greedy)
    let text = Array(value.unicodeScalars.reversed())
    guard let end = reversed.matchEnd(text, from: 0, tokens: reversed.tokens[...]) else { return value }
    return String(String.UnicodeScalarView(text[end...].reversed()))
  }

  /// Replaces the first (or every) leftmost match, like Go's `ReplaceAllString`.
  func replacing(in value: String, with replacement: String, all: Bool) -> String {
    let text = Array(value.unicodeScalars)
    var output = String.UnicodeScalarView()
    var position = 0
    var previousMatchEnd = -1
    var replaced = false
    while position <= text.count {
      guard !replaced || all, let (start, end) = firstMatch(in: text, from: position) else { break }
      output.append(contentsOf: text[position..<start])
      if end == start && start == previousMatchEnd {
        guard start < text.count else {
          position = start
          break
        }
        output.append(text[start])
        position = start + 1
        continue
      }
      output.append(contentsOf: replacement.unicodeScalars)
      replaced = true
      previousMatchEnd = end
      if end > start {
        position = end
      } else {
        if start < text.count { output.append(text[start]) }
        position = start + 1
      }
    }
    if position < text.count { output.append(contentsOf: text[position...]) }
    return String(output)
  }

  private func firstMatch(in text: [Unicode.Scalar], from position: Int) -> (Int, Int)? {
    for start in position...text.count {
      if let end = matchEnd(text, from: start, tokens: tokens[...]) { return (start, end) }
    }
    return nil
  }
}
