#if canImport(Glibc)
import Glibc
#endif

/// A command-line error as the docker CLI reports it: the message, then
/// `See 'berth COMMAND --help'.`, exit status 125.
struct UsageError: Error {
  /// What is wrong, e.g. `unknown flag: --foo`.
  let message: String
  /// The command whose help is suggested, e.g. `run`.
  let command: String
  /// Printed after the hint, e.g. the usage line.
  var details = ""

  /// The text for stderr.
  var text: String { "\(message)\nSee 'berth \(command) --help'.\n\(details)" }
}

/// One flag of a command parsed by `FlagParser`, with the property it sets.
struct FlagSpec<Target> {
  /// The long names without dashes; the first is the one help shows.
  let long: [String]
  /// The one-letter name, if any.
  let short: Character?
  /// The value's name in help (`string`, `list`, …); nil for a boolean flag.
  let valueName: String?
  /// The help line.
  let help: String
  /// Stores the flag's value (nil for a boolean flag given without `=value`).
  let apply: (inout Target, String?) throws -> Void

  /// `names` as help prints them: `-e, --env` or `--network, --net`.
  init(
    _ names: String, _ help: String, valueName: String?, apply: @escaping (inout Target, String?) throws -> Void
  ) {
    var long: [String] = []
    var short: Character?
    for name in names.split(separator: ",").map({ $0.drop { $0 == " " } }) {
      if name.hasPrefix("--") { long.append(String(name.dropFirst(2))) } else { short = name.dropFirst().first }
    }
    self.long = long
    self.short = short
    self.valueName = valueName
    self.help = help
    self.apply = apply
  }

  /// A boolean flag: `--rm`, `--rm=false`.
  static func flag(_ names: String, _ help: String, _ path: WritableKeyPath<Target, Bool>) -> FlagSpec {
    FlagSpec(names, help, valueName: nil) { target, value in
      guard let value else { return target[keyPath: path] = true }
      guard let bool = ["true": true, "1": true, "false": false, "0": false][value] else {
        throw FlagSpec.invalid(value, names, "strconv.ParseBool: parsing \"\(value)\": invalid syntax")
      }
      target[keyPath: path] = bool
    }
  }

  /// A string option.
  static func option(_ names: String, _ help: String, _ path: WritableKeyPath<Target, String>) -> FlagSpec {
    FlagSpec(names, help, valueName: "string") { target, value in target[keyPath: path] = value ?? "" }
  }

  /// A string option that is nil unless given.
  static func option(_ names: String, _ help: String, _ path: WritableKeyPath<Target, String?>) -> FlagSpec {
    FlagSpec(names, help, valueName: "string") { target, value in target[keyPath: path] = value }
  }

  /// A repeatable option: each use appends.
  static func option(_ names: String, _ help: String, _ path: WritableKeyPath<Target, [String]>) -> FlagSpec {
    FlagSpec(names, help, valueName: "list") { target, value in target[keyPath: path].append(value ?? "") }
  }

  /// A whole-number option.
  static func option<N: FixedWidthInteger>(_ names: String, _ help: String, _ path: WritableKeyPath<Target, N?>)
    -> FlagSpec
  {
    FlagSpec(names, help, valueName: "int") { target, value in
      guard let value, let number = N(value) else {
        throw FlagSpec.invalid(value ?? "", names, "strconv.ParseInt: parsing \"\(value ?? "")\": invalid syntax")
      }
      target[keyPath: path] = number
    }
  }

  /// A decimal option.
  static func option(_ names: String, _ help: String, _ path: WritableKeyPath<Target, Double?>) -> FlagSpec {
    FlagSpec(names, help, valueName: "decimal") { target, value in
      guard let value, let number = Double(value) else {
        throw FlagSpec.invalid(value ?? "", names, "strconv.ParseFloat: parsing \"\(value ?? "")\": invalid syntax")
      }
      target[keyPath: path] = number
    }
  }

  static func invalid(_ value: String, _ names: String, _ reason: String) -> FlagValueError {
    FlagValueError(message: "invalid argument \"\(value)\" for \"\(names)\" flag: \(reason)")
  }
}

/// A flag value that does not convert; `FlagParser` turns it into a `UsageError`.
struct FlagValueError: Error {
  let message: String
}

/// Parses a command's arguments as the docker CLI (pflag) does, without ArgumentParser's start-up
/// cost on the hot path of `run`: `--name value`, `--name=value`, `-e value`, `-evalue`, clustered
/// short flags (`-it`, `-dp 80:80`), `--flag=false`, `--` to end the flags. The first argument that
/// is not a flag ends them too: it and everything after it are the positionals (image and command).
struct FlagParser<Target> {
  /// The command's name, e.g. `run`.
  let command: String
  /// What follows `berth COMMAND` in the usage line.
  let usage: String
  /// One line on what the command does.
  let abstract: String
  /// The flags.
  let flags: [FlagSpec<Target>]

  /// Fills `target` from `arguments` and returns the positionals. `--help` prints help and exits.
  func parse(_ arguments: [String], into target: inout Target) throws -> [String] {
    var index = 0
    func value(for name: String) throws -> String {
      index += 1
      guard index < arguments.count else {
        throw UsageError(message: "flag needs an argument: \(name)", command: command)
      }
      return arguments[index]
    }
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--" { return Array(arguments[(index + 1)...]) }
      if argument.hasPrefix("--") {
        let body = argument.dropFirst(2)
        let name = String(body.prefix { $0 != "=" })
        let inline = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
        if name == "help" {
          print(help(), terminator: "")
          exit(0)
        }
        guard let flag = flags.first(where: { $0.long.contains(name) }) else {
          throw UsageError(message: "unknown flag: --\(name)", command: command)
        }
        let given = flag.valueName == nil ? inline : try inline ?? value(for: "--\(name)")
        try set(flag, given, on: &target)
      } else if argument.hasPrefix("-") && argument.count > 1 {
        var letters = Substring(argument.dropFirst())
        while let letter = letters.popFirst() {
          guard let flag = flags.first(where: { $0.short == letter }) else {
            throw UsageError(message: "unknown shorthand flag: '\(letter)' in \(argument)", command: command)
          }
          if flag.valueName == nil {
            try set(flag, nil, on: &target)
            continue
          }
          let rest = letters.first == "=" ? String(letters.dropFirst()) : String(letters)
          try set(flag, rest.isEmpty ? try value(for: "'\(letter)' in \(argument)") : rest, on: &target)
          break
        }
      } else {
        return Array(arguments[index...])
      }
      index += 1
    }
    return []
  }

  private func set(_ flag: FlagSpec<Target>, _ value: String?, on target: inout Target) throws {
    do {
      try flag.apply(&target, value)
    } catch let error as FlagValueError {
      throw UsageError(message: error.message, command: command)
    }
  }

  /// `Usage:  berth COMMAND …` and the abstract, as the docker CLI prints them after an error.
  var usageLines: String { "Usage:  berth \(command) \(usage)\n\n\(abstract)\n" }

  /// Help in the docker CLI's layout: usage, abstract, then one line per flag.
  func help() -> String {
    let sorted = flags.sorted { $0.long[0] < $1.long[0] }
    let rows = sorted.map { flag -> (String, String) in
      var names = flag.short.map { "-\($0), " } ?? "    "
      names += flag.long.map { "--\($0)" }.joined(separator: ", ")
      if let valueName = flag.valueName { names += " \(valueName)" }
      return (names, flag.help)
    }
    let width = rows.map(\.0.count).max() ?? 0
    let lines = rows.map { "  \($0.0)\(String(repeating: " ", count: width - $0.0.count))   \($0.1)" }
    return "\n" + usageLines + "\nOptions:\n" + lines.joined(separator: "\n") + "\n"
  }
}
