/// Docker's `.dockerignore` rules (moby/patternmatcher and its `ignorefile` reader).
///
/// - Lines starting with `#` are comments; blank lines are skipped; patterns are trimmed, cleaned
///   with `path.Clean`, and a leading `/` is dropped (so `/a`, `./a` and `a` are the same).
/// - `!pattern` is an exception that re-includes paths; the last pattern that matches wins.
/// - A pattern that matches a directory excludes everything inside it.
///
/// Paths given to the matcher are relative to the build context, `/`-separated.
public struct DockerignoreMatcher: Sendable, Hashable {
  /// The compiled patterns, in order.
  public let patterns: [DockerignorePattern]

  /// True when at least one pattern is an exception (`!…`).
  public var hasExceptions: Bool { patterns.contains(where: \.isException) }

  /// Compiles patterns as `patternmatcher.New` does (each trimmed and cleaned; empty ones skipped).
  /// Throws for `!` alone and for invalid syntax, naming the 1-based position as the line.
  public init(patterns: [String], file: String = ".dockerignore") throws(DockerfileError) {
    var compiled: [DockerignorePattern] = []
    for (offset, raw) in patterns.enumerated() {
      var text = Self.trimmed(raw)
      if text.isEmpty { continue }
      text = Self.clean(text)
      var isException = false
      if text.hasPrefix("!") {
        guard text.count > 1 else {
          throw DockerfileError(file: file, line: offset + 1, message: "illegal exclusion pattern: \"!\"")
        }
        isException = true
        text.removeFirst()
      }
      guard let pattern = DockerignorePattern(cleaned: text, isException: isException) else {
        throw DockerfileError(file: file, line: offset + 1, message: "syntax error in pattern")
      }
      compiled.append(pattern)
    }
    self.patterns = compiled
  }

  /// Reads a `.dockerignore` file's text and compiles its patterns.
  public init(parsing text: String, file: String = ".dockerignore") throws(DockerfileError) {
    try self.init(patterns: Self.patterns(inDockerignore: text), file: file)
  }

  /// The patterns of a `.dockerignore` file, as `ignorefile.ReadAll` returns them.
  public static func patterns(inDockerignore text: String) -> [String] {
    var patterns: [String] = []
    for (offset, line) in DockerfileParser.physicalLines(text).enumerated() {
      var line = Substring(line)
      while let last = line.unicodeScalars.last, last == "\n" || last == "\r" {
        line = Substring(line.unicodeScalars.dropLast())
      }
      if offset == 0, line.unicodeScalars.first == "\u{FEFF}" { line = Substring(line.unicodeScalars.dropFirst()) }
      if line.hasPrefix("#") { continue }
      var pattern = trimmed(String(line))
      if pattern.isEmpty { continue }
      let invert = pattern.hasPrefix("!")
      if invert { pattern = trimmed(String(pattern.dropFirst())) }
      if !pattern.isEmpty {
        pattern = clean(pattern)
        if pattern.count > 1, pattern.hasPrefix("/") { pattern.removeFirst() }
      }
      patterns.append(invert ? "!" + pattern : pattern)
    }
    return patterns
  }

  /// Whether `path` is excluded from the build context: some pattern matches it or one of its
  /// parent directories, and no later exception re-includes it. The context root (`.`) never is.
  public func excludes(_ path: String) -> Bool {
    let file = Self.clean(path)
    if file == "." { return false }
    let components = file.split(separator: "/", omittingEmptySubsequences: false)
    let parents = (1..<max(components.count, 1)).map { components[..<$0].joined(separator: "/") }
    var matched = false
    for pattern in patterns where pattern.isException == matched {
      if pattern.matches(file) || parents.contains(where: pattern.matches) {
        matched = !pattern.isException
      }
    }
    return matched
  }

  /// Whether a walk of the context may skip directory `path` entirely: it is excluded and no
  /// exception could re-include anything below it. When false but ``excludes(_:)`` is true, the
  /// walk must enter the directory and test each entry.
  public func canSkipDirectory(_ path: String) -> Bool {
    guard excludes(path) else { return false }
    let directory = Self.clean(path).split(separator: "/").map(String.init)
    for pattern in patterns where pattern.isException {
      if Self.mayMatchInside(pattern.pattern, directory: directory) { return false }
    }
    return true
  }

  private static func mayMatchInside(_ pattern: String, directory: [String]) -> Bool {
    let components = pattern.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    let limit = components.firstIndex { $0.contains("**") }
    if limit == nil && components.count <= directory.count { return false }
    for (index, component) in components.enumerated() {
      if let limit, index >= limit { return true }
      guard index < directory.count else { return true }
      guard let compiled = DockerignorePattern(cleaned: component, isException: true),
        compiled.matches(directory[index])
      else { return false }
    }
    return true
  }

  static func trimmed(_ text: String) -> String {
    let scalars = text.unicodeScalars.drop(while: \.isGoSpace)
    return String(String.UnicodeScalarView(scalars.reversed().drop(while: \.isGoSpace).reversed()))
  }

  /// Go's `path.Clean`.
  static func clean(_ path: String) -> String {
    if path.isEmpty { return "." }
    let rooted = path.hasPrefix("/")
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      switch part {
      case ".": continue
      case "..":
        if let last = parts.last, last != ".." {
          parts.removeLast()
        } else if !rooted {
          parts.append(part)
        }
      default: parts.append(part)
      }
    }
    let joined = parts.joined(separator: "/")
    if rooted { return "/" + joined }
    return joined.isEmpty ? "." : joined
  }
}
