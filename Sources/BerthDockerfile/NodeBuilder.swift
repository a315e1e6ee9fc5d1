/// Turns one logical line into a node: keyword, flags, then the keyword's own argument syntax
/// (BuildKit's `newNodeFromLine` and `splitCommand`).
struct NodeBuilder {
  typealias Partial = LocatedMessage.Partial

  let escape: Unicode.Scalar

  func node(from line: String) throws(Partial) -> DockerfileNode {
    let trimmed = String(String.UnicodeScalarView(trimSpace(line.unicodeScalars[...])))
    let parts = LineParsers.splitWhitespace(trimmed, maxParts: 2)
    let command = parts[0]
    var flags: [String] = []
    var rest = ""
    if parts.count == 2 {
      (rest, flags) = extractFlags(parts[1])
      rest = String(String.UnicodeScalarView(trimSpace(rest.unicodeScalars[...])))
    }
    var node = DockerfileNode(command: command, flags: flags, original: line)
    let parsed: ParsedArguments
    switch command.lowercased() {
    case "add", "copy", "volume": parsed = try LineParsers.maybeJSONToList(rest)
    case "cmd", "entrypoint", "run", "shell": parsed = try LineParsers.maybeJSON(rest)
    case "arg": parsed = ParsedArguments(arguments: LineParsers.words(rest, escape: escape))
    case "env": parsed = try LineParsers.nameValue(rest, keyword: "ENV", escape: escape)
    case "label": parsed = try LineParsers.nameValue(rest, keyword: "LABEL", escape: escape)
    case "expose", "from": parsed = LineParsers.whitespaceDelimited(rest)
    case "healthcheck": parsed = try LineParsers.healthConfig(rest)
    case "maintainer", "stopsignal", "user", "workdir": parsed = LineParsers.string(rest)
    case "onbuild":
      parsed = ParsedArguments()
      if !rest.isEmpty {
        let trigger = try self.node(from: rest)
        node.trigger = trigger
        node.arguments = [trigger.command] + trigger.arguments
      }
    default: parsed = ParsedArguments()
    }
    if node.trigger == nil { node.arguments = parsed.arguments }
    node.isJSON = parsed.isJSON
    node.isLegacyKeyValue = parsed.isLegacyKeyValue
    return node
  }

  private func trimSpace(_ scalars: Substring.UnicodeScalarView) -> Substring.UnicodeScalarView {
    var result = scalars.drop(while: \.isGoSpace)
    while let last = result.last, last.isGoSpace { result = result.dropLast() }
    return result
  }

  /// Takes the leading `--flag[=value]` words off `line` (BuildKit's `extractBuilderFlags`);
  /// a bare `--` ends the flags. Returns the remaining text and the flags.
  func extractFlags(_ line: String) -> (String, [String]) {
    let scalars = Array(line.unicodeScalars)
    var flags: [String] = []
    var word = String.UnicodeScalarView()
    var quote: Unicode.Scalar?
    var blankOK = false
    var inWord = false
    var position = 0
    func remainder(from index: Int) -> String { String(String.UnicodeScalarView(scalars[index...])) }
    while position < scalars.count {
      var scalar = scalars[position]
      if !inWord {
        if scalar.isGoSpace {
          position += 1
          continue
        }
        guard scalar == "-", position + 1 < scalars.count, scalars[position + 1] == "-" else {
          return (remainder(from: position), flags)
        }
        inWord = true
      }
      if let open = quote {
        if scalar == open {
          quote = nil
          position += 1
          continue
        }
        if scalar == escape {
          if position + 1 == scalars.count {
            quote = nil
            position += 1
            continue
          }
          position += 1
          scalar = scalars[position]
        }
        word.append(scalar)
        position += 1
        continue
      }
      if scalar.isGoSpace {
        let text = String(word)
        inWord = false
        if text == "--" { return (remainder(from: position), flags) }
        if blankOK || !text.isEmpty { flags.append(text) }
        word = String.UnicodeScalarView()
        blankOK = false
        position += 1
        continue
      }
      if scalar == "'" || scalar == "\"" {
        quote = scalar
        blankOK = true
        position += 1
        continue
      }
      if scalar == escape {
        if position + 1 == scalars.count {
          position += 1
          continue
        }
        position += 1
        scalar = scalars[position]
      }
      word.append(scalar)
      position += 1
    }
    let text = String(word)
    if inWord, text != "--", blankOK || !text.isEmpty { flags.append(text) }
    return ("", flags)
  }
}
