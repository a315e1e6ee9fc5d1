/// The `--name=value` flags of one instruction, checked against the flags it accepts
/// (BuildKit's `BFlags`).
struct BuilderFlags {
  typealias Partial = LocatedMessage.Partial

  enum Kind {
    case bool
    case string
    case strings
  }

  private var kinds: [String: Kind] = [:]
  private(set) var strings: [String: String] = [:]
  private(set) var lists: [String: [String]] = [:]
  private(set) var bools: [String: Bool] = [:]

  init(_ accepted: [String: Kind] = [:]) {
    kinds = accepted
  }

  /// Checks the flags of an instruction that accepts none.
  static func expectNone(_ arguments: [String]) throws(Partial) {
    var flags = BuilderFlags()
    try flags.parse(arguments)
  }

  /// Parses `arguments`, each `--name`, `--name=value` or `--` (ends the flags).
  mutating func parse(_ arguments: [String]) throws(Partial) {
    var used: Set<String> = []
    for argument in arguments {
      if argument == "--" { return }
      guard argument.hasPrefix("--") else { throw Partial("arg should start with -- : \(argument)") }
      let flagName: String
      let value: String?
      if let equals = argument.firstIndex(of: "=") {
        flagName = String(argument[..<equals])
        value = String(argument[argument.index(after: equals)...])
      } else {
        flagName = argument
        value = nil
      }
      let name = String(flagName.dropFirst(2))
      guard let kind = kinds[name] else {
        var message = "unknown flag: \(flagName)"
        if let suggestion = Suggestion.closest(to: name, in: kinds.keys.sorted(), caseSensitive: true) {
          message += " (did you mean \(suggestion)?)"
        }
        throw Partial(message)
      }
      if used.contains(name), kind != .strings { throw Partial("duplicate flag specified: \(flagName)") }
      used.insert(name)
      switch kind {
      case .bool:
        if value == "" { throw Partial("missing a value on flag: \(flagName)") }
        switch (value ?? "").lowercased() {
        case "true", "": bools[name] = true
        case "false": bools[name] = false
        default: throw Partial("expecting boolean value for flag \(flagName), not: \(value ?? "")")
        }
      case .string:
        guard let value else { throw Partial("missing a value on flag: \(flagName)") }
        strings[name] = value
      case .strings:
        guard let value else { throw Partial("missing a value on flag: \(flagName)") }
        lists[name, default: []].append(value)
      }
    }
  }
}

/// BuildKit's "did you mean" search: the closest option within an edit distance below 3.
enum Suggestion {
  static func closest(to value: String, in options: [String], caseSensitive: Bool) -> String? {
    let needle = caseSensitive ? value : value.lowercased()
    var best: String?
    var bestDistance = 3
    for option in options {
      let candidate = caseSensitive ? option : option.lowercased()
      if candidate == needle { return nil }
      let distance = levenshtein(Array(needle.unicodeScalars), Array(candidate.unicodeScalars))
      if distance < bestDistance {
        bestDistance = distance
        best = caseSensitive ? option : matchCase(candidate, like: value)
      }
    }
    return best
  }

  private static func matchCase(_ option: String, like original: String) -> String {
    if original == original.lowercased() { return option.lowercased() }
    if original == original.uppercased() { return option.uppercased() }
    return option
  }

  private static func levenshtein(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      }
      previous = current
    }
    return previous[b.count]
  }
}
