/// Expands variables in a Dockerfile word and removes its quotes, like BuildKit's shell lexer
/// (`shell.Lex`): `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`,
/// `${VAR:?message}`, `${VAR?message}`, `${VAR#pattern}`, `${VAR##pattern}`, `${VAR%pattern}`,
/// `${VAR%%pattern}` and `${VAR/pattern/replacement}`, `${VAR//pattern/replacement}`.
///
/// Single quotes keep everything literal; double quotes keep everything but `$` and the escape
/// character, which escapes only `"`, `$` and itself inside them; outside quotes the escape character
/// escapes any character. Unset variables expand to the empty string. Positional and special
/// parameters (`$1`, `$@`, `$#`, …) are never set.
///
/// The expander is a value: it does no I/O and keeps no state between calls.
public struct ShellWordExpander: Sendable, Hashable {
  /// The escape character: `\` by default, or `` ` `` after `# escape=``.
  public var escapeCharacter: Unicode.Scalar
  /// Keep quote characters in the result instead of removing them.
  public var keepsQuotes = false
  /// Keep escape characters in the result instead of removing them.
  public var keepsEscapes = false
  /// Treat quotes as ordinary characters (used for heredoc bodies, which expand `$` only).
  public var ignoresQuotes = false
  /// Leave references to unset variables as written instead of expanding them to nothing.
  public var keepsUnsetVariables = false

  /// Creates an expander with the given escape character.
  public init(escapeCharacter: Unicode.Scalar = "\\") {
    self.escapeCharacter = escapeCharacter
  }

  /// The expander BuildKit uses for heredoc bodies whose delimiter is not quoted: quotes and
  /// escapes stay as written, `$` expands.
  public static var heredocBody: ShellWordExpander {
    var expander = ShellWordExpander()
    expander.ignoresQuotes = true
    return expander
  }

  /// Expands `word` into a single string (BuildKit's `ProcessWord`): variables are substituted,
  /// quotes and escapes removed, whitespace kept.
  ///
  /// `lookup` returns a variable's value, or nil when it is not set.
  public func expand(_ word: String, lookup: (String) -> String?) throws(ShellExpansionError) -> String {
    try run(word, lookup: lookup).result
  }

  /// Expands `word` and splits the result into words at unquoted whitespace, after substitution
  /// (BuildKit's `ProcessWords`): `a "b c" $X` with `X="d e"` gives `["a", "b c", "d", "e"]`.
  public func expandWords(_ word: String, lookup: (String) -> String?) throws(ShellExpansionError) -> [String] {
    try run(word, lookup: lookup).words
  }

  /// ``expand(_:lookup:)`` with the variables visible in `scope`.
  public func expand(_ word: String, in scope: BuildScope) throws(ShellExpansionError) -> String {
    try expand(word) { scope.value(of: $0) }
  }

  /// ``expandWords(_:lookup:)`` with the variables visible in `scope`.
  public func expandWords(_ word: String, in scope: BuildScope) throws(ShellExpansionError) -> [String] {
    try expandWords(word) { scope.value(of: $0) }
  }

  private func run(_ word: String, lookup: (String) -> String?) throws(ShellExpansionError) -> (
    result: String, words: [String]
  ) {
    let outcome = withoutActuallyEscaping(lookup) { lookup in
      var lexer = ShellLexer(options: self, source: word, lookup: lookup)
      return Result { () throws(ShellLexer.Failure) in try lexer.process(stopAt: nil, rawEscapes: keepsEscapes) }
    }
    switch outcome {
    case .success(let value): return value
    case .failure(let failure):
      throw ShellExpansionError("failed to process \(goQuoted(word)): \(failure.message)")
    }
  }
}
