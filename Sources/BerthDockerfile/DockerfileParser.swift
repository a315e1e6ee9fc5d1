/// The result of parsing a Dockerfile's text: its directives and its instructions as nodes.
public struct DockerfileSyntaxTree: Sendable, Hashable {
  /// The parser directives found at the top of the file.
  public var directives: ParserDirectives
  /// The instructions in order.
  public var nodes: [DockerfileNode]
  /// Warnings BuildKit would print, for example for empty continuation lines.
  public var warnings: [String]
}

/// Parses Dockerfile text into nodes (BuildKit's `parser.Parse`): directives, comments, line
/// continuations with the escape character, comment and blank lines inside continuations (skipped),
/// heredocs, and each instruction's own argument syntax. It does not check instructions; see
/// ``Dockerfile/init(parsing:file:)`` for that.
public enum DockerfileParser {
  /// Parses `text`; `file` only names the file in errors.
  public static func parse(_ text: String, file: String = "Dockerfile") throws(DockerfileError) -> DockerfileSyntaxTree
  {
    do {
      var state = ParserState(lines: physicalLines(text))
      return try state.run()
    } catch {
      throw DockerfileError(file: file, line: error.line, message: error.message)
    }
  }

  /// Splits text into lines at `\n`, each keeping its line ending.
  static func physicalLines(_ text: String) -> [String] {
    var lines: [String] = []
    var current = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      current.append(scalar)
      if scalar == "\n" {
        lines.append(String(current))
        current = String.UnicodeScalarView()
      }
    }
    if !current.isEmpty { lines.append(String(current)) }
    if let first = lines.first, first.unicodeScalars.first == "\u{FEFF}" {
      lines[0] = String(String.UnicodeScalarView(first.unicodeScalars.dropFirst()))
    }
    return lines
  }
}

private struct ParserState {
  let lines: [String]
  var index = 0
  var currentLine = 0
  var scanner = DirectiveScanner()
  var nodes: [DockerfileNode] = []
  var warnings: [String] = []

  init(lines: [String]) {
    self.lines = lines
  }

  var escape: Unicode.Scalar { scanner.directives.escapeCharacter }

  mutating func nextLine() -> String? {
    guard index < lines.count else { return nil }
    defer { index += 1 }
    return lines[index]
  }

  mutating func run() throws(LocatedMessage) -> DockerfileSyntaxTree {
    while let raw = nextLine() {
      var line = try process(raw, stripLeadingWhitespace: true)
      currentLine += 1
      let startLine = currentLine
      var isEnd: Bool
      (line, isEnd) = trimContinuation(line)
      if isEnd && line.isEmpty { continue }
      var joined = line
      var hasEmptyContinuation = false
      while !isEnd, let raw = nextLine() {
        let continued = try process(raw, stripLeadingWhitespace: false)
        currentLine += 1
        if isComment(raw) { continue }
        if continued.unicodeScalars.allSatisfy(\.isGoSpace) {
          hasEmptyContinuation = true
          continue
        }
        (line, isEnd) = trimContinuation(continued)
        joined += line
      }
      if hasEmptyContinuation {
        warnings.append("Empty continuation line found in: \(joined)")
      }
      var node: DockerfileNode
      do {
        node = try NodeBuilder(escape: escape).node(from: joined)
      } catch {
        throw LocatedMessage(line: startLine, message: error.message)
      }
      if node.canContainHeredoc, joined.contains("<<") {
        node.heredocs = try readHeredocs(Heredoc.markers(inLine: joined), startLine: startLine)
      }
      node.startLine = startLine
      node.endLine = currentLine
      nodes.append(node)
    }
    guard !nodes.isEmpty else {
      throw LocatedMessage(line: currentLine, message: "file with no instructions")
    }
    return DockerfileSyntaxTree(directives: scanner.directives, nodes: nodes, warnings: warnings)
  }

  mutating func readHeredocs(_ markers: [Heredoc], startLine: Int) throws(LocatedMessage) -> [Heredoc] {
    var heredocs: [Heredoc] = []
    for var heredoc in markers {
      var content = ""
      var terminated = false
      while let raw = nextLine() {
        currentLine += 1
        var candidate = trimNewline(raw)
        if heredoc.stripsLeadingTabs { candidate = Substring(candidate.drop { $0 == "\t" }) }
        if candidate == heredoc.name {
          terminated = true
          break
        }
        content += raw
      }
      guard terminated else { throw LocatedMessage(line: startLine, message: "unterminated heredoc") }
      heredoc.content = content
      heredocs.append(heredoc)
    }
    return heredocs
  }

  /// Strips the line ending (and, for a first line, leading whitespace), records a directive, and
  /// blanks comments.
  mutating func process(_ raw: String, stripLeadingWhitespace: Bool) throws(LocatedMessage) -> String {
    var line = trimNewline(raw)
    if stripLeadingWhitespace { line = line.drop { $0.unicodeScalars.allSatisfy(\.isGoSpace) } }
    do {
      _ = try scanner.consume(line)
    } catch {
      throw LocatedMessage(line: currentLine + 1, message: error.message)
    }
    return isComment(line) ? "" : String(line)
  }

  func trimNewline(_ raw: String) -> Substring {
    var line = Substring(raw)
    while let last = line.unicodeScalars.last, last == "\n" || last == "\r" {
      line = Substring(line.unicodeScalars.dropLast())
    }
    return line
  }

  func isComment(_ line: some StringProtocol) -> Bool {
    line.unicodeScalars.first { !$0.isGoSpace } == "#"
  }

  /// Removes a trailing escape character (and the blanks after it) that continues the line, as
  /// BuildKit's `([^\\])\\[ \t]*$|^\\[ \t]*$` does. Returns the line and whether it ends here.
  func trimContinuation(_ line: String) -> (String, Bool) {
    var scalars = Array(line.unicodeScalars)
    while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
    guard scalars.last == escape else { return (line, true) }
    if scalars.count == 1 { return ("", false) }
    guard scalars[scalars.count - 2] != escape else { return (line, true) }
    scalars.removeLast()
    return (String(String.UnicodeScalarView(scalars)), false)
  }
}

extension DockerfileNode {
  /// Only `RUN`, `COPY` and `ADD` in shell form, possibly under `ONBUILD`, take heredocs.
  var canContainHeredoc: Bool {
    let node = keyword == "onbuild" ? trigger ?? self : self
    return ["add", "copy", "run"].contains(node.keyword) && !node.isJSON
  }
}
