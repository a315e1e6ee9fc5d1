/// Finding heredoc markers (`<<EOF`, `<<-EOF`, `3<<"EOF"`) in an instruction line, as BuildKit does.
extension Heredoc {
  /// Parses one word such as `<<EOF`, `<<-'EOF'` or `3<<EOF` into a heredoc without content; nil
  /// when the word is not a heredoc marker.
  public static func marker(_ word: String) -> Heredoc? {
    let scalars = Array(word.unicodeScalars)
    var index = 0
    while index < scalars.count, scalars[index] >= "0", scalars[index] <= "9" { index += 1 }
    let digits = String(String.UnicodeScalarView(scalars[..<index]))
    guard index + 1 < scalars.count, scalars[index] == "<", scalars[index + 1] == "<" else { return nil }
    index += 2
    let stripsTabs = index < scalars.count && scalars[index] == "-"
    if stripsTabs { index += 1 }
    while index < scalars.count, isRegexpSpace(scalars[index]) { index += 1 }
    let rest = scalars[index...]
    guard !rest.isEmpty, !rest.contains("<") else { return nil }
    let restText = String(String.UnicodeScalarView(rest))

    var lexer = ShellWordExpander()
    lexer.keepsUnsetVariables = true
    guard let words = try? lexer.expandWords(restText, lookup: { _ in nil }), words.count == 1 else { return nil }
    lexer.keepsQuotes = true
    guard let rawWords = try? lexer.expandWords(restText, lookup: { _ in nil }), rawWords.count == 1 else {
      return nil
    }
    func quoteCount(_ text: String) -> Int { text.unicodeScalars.filter { $0 == "'" || $0 == "\"" }.count }
    return Heredoc(
      name: words[0], fileDescriptor: Int(digits) ?? 0, expands: quoteCount(words[0]) == quoteCount(rawWords[0]),
      stripsLeadingTabs: stripsTabs)
  }

  /// The heredoc markers in an instruction line, in order.
  static func markers(inLine line: String) -> [Heredoc] {
    var lexer = ShellWordExpander()
    lexer.keepsQuotes = true
    lexer.keepsEscapes = true
    lexer.keepsUnsetVariables = true
    let words = (try? lexer.expandWords(line, lookup: { _ in nil })) ?? []
    return words.compactMap(marker)
  }
}
