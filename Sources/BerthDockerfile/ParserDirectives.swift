/// The parser directives at the top of a Dockerfile: `# escape=`, `# syntax=` and `# check=`.
///
/// Directives must come before any instruction, comment or blank line, and each may appear once.
/// Keys are case-insensitive; unknown keys end the directive block (the line is then a comment).
public struct ParserDirectives: Sendable, Hashable {
  /// The escape character: `\` (default) or `` ` ``.
  public var escapeCharacter: Unicode.Scalar = "\\"
  /// The `# syntax=` value, recorded and otherwise ignored: Berth has one built-in frontend.
  public var syntax: String?
  /// The `# check=` value, recorded and otherwise ignored: Berth does not run build checks.
  public var check: String?

  /// Creates the default directives.
  public init() {}
}

/// Recognises directive lines while they can still appear.
struct DirectiveScanner {
  private(set) var directives = ParserDirectives()
  private var seen: Set<String> = []
  private var done = false

  /// Looks at one physical line (without its line ending). Returns true when it was a directive.
  mutating func consume(_ line: Substring) throws(LocatedMessage.Partial) -> Bool {
    guard !done else { return false }
    guard line.hasPrefix("#") else {
      done = true
      return false
    }
    let body = line.dropFirst().drop { $0.unicodeScalars.allSatisfy(\.isGoSpace) }
    guard let (key, value) = Self.split(body), ["syntax", "escape", "check"].contains(key) else {
      done = true
      return false
    }
    guard seen.insert(key).inserted else {
      throw LocatedMessage.Partial("only one \(key) parser directive can be used")
    }
    switch key {
    case "escape":
      guard value == "\\" || value == "`" else {
        throw LocatedMessage.Partial("invalid escape token '\(value)' does not match ` or \\")
      }
      directives.escapeCharacter = value.unicodeScalars.first ?? "\\"
    case "syntax": directives.syntax = value
    default: directives.check = value
    }
    return true
  }

  /// Matches `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`, returning the lowercased key and the value.
  private static func split(_ body: Substring) -> (String, String)? {
    let scalars = Array(body.unicodeScalars)
    var index = 0
    func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
      (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
    }
    guard let first = scalars.first, isASCIILetter(first) else { return nil }
    while index < scalars.count, isASCIILetter(scalars[index]) || (scalars[index] >= "0" && scalars[index] <= "9") {
      index += 1
    }
    let key = String(String.UnicodeScalarView(scalars[..<index])).lowercased()
    while index < scalars.count, isRegexpSpace(scalars[index]) { index += 1 }
    guard index < scalars.count, scalars[index] == "=" else { return nil }
    index += 1
    while index < scalars.count, isRegexpSpace(scalars[index]) { index += 1 }
    var end = scalars.count
    while end > index, isRegexpSpace(scalars[end - 1]) { end -= 1 }
    guard end > index else { return nil }
    return (key, String(String.UnicodeScalarView(scalars[index..<end])))
  }
}

/// Go regexp's `\s`: `[\t\n\f\r ]`.
func isRegexpSpace(_ scalar: Unicode.Scalar) -> Bool {
  scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\u{0C}" || scalar == "\r"
}

extension LocatedMessage {
  /// A message whose line the caller adds.
  struct Partial: Error {
    var message: String
    init(_ message: String) { self.message = message }
  }
}
