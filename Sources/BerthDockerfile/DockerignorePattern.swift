/// One `.dockerignore` pattern, compiled the way moby/patternmatcher compiles it: `*` and `?` never
/// match `/`, `**` matches any number of directories, `[…]` is a character class, `\` escapes.
public struct DockerignorePattern: Sendable, Hashable {
  enum Kind: Hashable {
    case exact
    case prefix
    case suffix
    case wildcard
  }

  enum Token: Hashable {
    case literal(Unicode.Scalar)
    case anyCharacter
    case anyRun
    case anyDirectories
    case anything
    case characterClass(negated: Bool, ranges: [ClosedRange<UInt32>])
  }

  /// The pattern after `path.Clean`, without its `!`.
  public let pattern: String
  /// True for `!pattern`: an exception that re-includes what earlier patterns excluded.
  public let isException: Bool
  let kind: Kind
  let tokens: [Token]

  /// Compiles a cleaned pattern; nil when its syntax is invalid (an unclosed `[` or a trailing `\`).
  init?(cleaned pattern: String, isException: Bool) {
    self.pattern = pattern
    self.isException = isException
    let scalars = Array(pattern.unicodeScalars)
    var tokens: [Token] = []
    var kind = Kind.exact
    var index = 0
    var iteration = 0
    while index < scalars.count {
      let scalar = scalars[index]
      index += 1
      defer { iteration += 1 }
      switch scalar {
      case "*":
        guard index < scalars.count, scalars[index] == "*" else {
          tokens.append(.anyRun)
          kind = .wildcard
          continue
        }
        index += 1
        if index < scalars.count, scalars[index] == "/" { index += 1 }
        if index == scalars.count {
          if kind == .exact {
            kind = .prefix
          } else {
            tokens.append(.anything)
            kind = .wildcard
          }
        } else {
          tokens.append(.anyDirectories)
          kind = .wildcard
        }
        if iteration == 0 { kind = .suffix }
      case "?":
        tokens.append(.anyCharacter)
        kind = .wildcard
      case "\\":
        guard index < scalars.count else { return nil }
        tokens.append(.literal(scalars[index]))
        index += 1
        kind = .wildcard
      case "[":
        guard let (token, next) = Self.characterClass(scalars, from: index) else { return nil }
        tokens.append(token)
        index = next
        kind = .wildcard
      case "]":
        tokens.append(.literal(scalar))
        kind = .wildcard
      default:
        tokens.append(.literal(scalar))
      }
    }
    self.kind = kind
    self.tokens = tokens
  }

  private static func characterClass(_ scalars: [Unicode.Scalar], from start: Int) -> (Token, Int)? {
    var index = start
    var negated = false
    if index < scalars.count, scalars[index] == "^" {
      negated = true
      index += 1
    }
    var ranges: [ClosedRange<UInt32>] = []
    var first = true
    while index < scalars.count {
      var low = scalars[index]
      if low == "]" && !first { return (.characterClass(negated: negated, ranges: ranges), index + 1) }
      first = false
      index += 1
      if low == "\\" {
        guard index < scalars.count else { return nil }
        low = scalars[index]
        index += 1
      }
      var high = low
      if index + 1 < scalars.count, scalars[index] == "-", scalars[index + 1] != "]" {
        high = scalars[index + 1]
        index += 2
        if high == "\\" {
          guard index < scalars.count else { return nil }
          high = scalars[index]
          index += 1
        }
      }
      guard low.value <= high.value else { return nil }
      ranges.append(low.value...high.value)
    }
    return nil
  }

  /// Whether the pattern matches `path` (cleaned, relative, `/`-separated) itself.
  func matches(_ path: String) -> Bool {
    switch kind {
    case .exact:
      return path == pattern
    case .prefix:
      return path.hasPrefix(String(pattern.dropLast(2)))
    case .suffix:
      let suffix = pattern.dropFirst(2)
      return path.hasSuffix(suffix) || (suffix.hasPrefix("/") && path == suffix.dropFirst())
    case .wildcard:
      return Self.match(tokens[...], Array(path.unicodeScalars)[...])
    }
  }

  private static func match(_ tokens: ArraySlice<Token>, _ text: ArraySlice<Unicode.Scalar>) -> Bool {
    guard let token = tokens.first else { return text.isEmpty }
    let rest = tokens.dropFirst()
    switch token {
    case .literal(let scalar):
      return text.first == scalar && match(rest, text.dropFirst())
    case .anyCharacter:
      guard let first = text.first, first != "/", first != "\n" else { return false }
      return match(rest, text.dropFirst())
    case .characterClass(let negated, let ranges):
      guard let first = text.first, first != "\n" || !negated else { return false }
      guard ranges.contains(where: { $0.contains(first.value) }) != negated else { return false }
      return match(rest, text.dropFirst())
    case .anyRun:
      var remaining = text
      while true {
        if match(rest, remaining) { return true }
        guard let first = remaining.first, first != "/", first != "\n" else { return false }
        remaining = remaining.dropFirst()
      }
    case .anything:
      return !text.contains("\n") && match(rest, text[text.endIndex...])
    case .anyDirectories:
      if match(rest, text) { return true }
      var index = text.startIndex
      while index < text.endIndex {
        if text[index] == "\n" { return false }
        if text[index] == "/", match(rest, text[(index + 1)...]) { return true }
        index += 1
      }
      return false
    }
  }
}
