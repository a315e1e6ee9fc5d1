/// Parameter expansion: `$NAME` and the `${…}` forms.
extension ShellLexer {
  mutating func processDollar() throws(Failure) -> String {
    position += 1
    guard peek() == "{" else {
      let name = processName()
      if name.isEmpty { return "$" }
      if let value = variable(name) { return value }
      return options.keepsUnsetVariables ? "$" + name : ""
    }
    position += 1
    switch peek() {
    case nil: throw Failure(message: "syntax error: missing '}'")
    case "{", "}", ":": throw Failure(message: "syntax error: bad substitution")
    default: break
    }
    let name = processName()
    let modifier = next()
    switch modifier {
    case "}":
      if let value = variable(name) { return value }
      return options.keepsUnsetVariables ? "${\(name)}" : ""
    case ":", "+", "-", "?", "#", "%":
      return try processModifier(name: name, first: modifier)
    case "/":
      return try processReplacement(name: name)
    default:
      let text = modifier.map { String(Character($0)) } ?? "\u{FFFD}"
      throw Failure(message: "unsupported modifier (\(text)) in substitution")
    }
  }

  private mutating func processModifier(name: String, first: Unicode.Scalar?) throws(Failure) -> String {
    var modifier = first
    var spelled = first.map { String(Character($0)) } ?? ""
    var nullIsUnset = false
    if first == ":" {
      nullIsUnset = true
      modifier = next()
      spelled += modifier.map { String(Character($0)) } ?? "\u{FFFD}"
    }
    let trims = modifier == "#" || modifier == "%"
    if nullIsUnset && trims {
      throw Failure(message: "unsupported modifier (\(spelled)) in substitution")
    }
    let word: String
    do {
      word = try process(stopAt: "}", rawEscapes: trims).result
    } catch {
      if peek() == nil { throw Failure(message: "syntax error: missing '}'") }
      throw error
    }
    let value = variable(name)
    guard value != nil || !options.keepsUnsetVariables else { return "${\(name)\(spelled)\(word)}" }
    let isUnset = value == nil || (nullIsUnset && value == "")
    switch modifier {
    case "-":
      return isUnset ? word : value ?? ""
    case "+":
      return isUnset ? "" : word
    case "?":
      guard let value else {
        throw Failure(message: "\(name): \(word.isEmpty ? "is not allowed to be unset" : word)")
      }
      if nullIsUnset && value.isEmpty {
        throw Failure(message: "\(name): \(word.isEmpty ? "is not allowed to be empty" : word)")
      }
      return value
    case "#", "%":
      var pattern = Substring(word)
      let greedy = pattern.first.map { $0.unicodeScalars.first == modifier } ?? false
      if greedy { pattern = pattern.dropFirst() }
      let compiled = try ShellPattern.compile(String(pattern), greedy: greedy)
      return modifier == "#"
        ? compiled.trimmingPrefix(of: value ?? "") : compiled.trimmingSuffix(of: value ?? "")
    default:
      throw Failure(message: "unsupported modifier (\(spelled)) in substitution")
    }
  }

  private mutating func processReplacement(name: String) throws(Failure) -> String {
    let replaceAll = peek() == "/"
    if replaceAll { position += 1 }
    let pattern: String
    do {
      pattern = try process(stopAt: "/", rawEscapes: true).result
    } catch {
      if peek() == nil { throw Failure(message: "syntax error: missing '/' in ${}") }
      throw error
    }
    let replacement: String
    do {
      replacement = try process(stopAt: "}", rawEscapes: true).result
    } catch {
      if peek() == nil { throw Failure(message: "syntax error: missing '}'") }
      throw error
    }
    guard let value = variable(name) else {
      return options.keepsUnsetVariables ? "${\(name)/\(pattern)/\(replacement)}" : ""
    }
    let compiled = try ShellPattern.compile(pattern, greedy: true)
    return compiled.replacing(in: value, with: replacement, all: replaceAll)
  }
}
