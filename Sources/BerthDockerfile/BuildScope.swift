/// The variables visible at one point of a build, for expansion and for the `RUN` environment.
///
/// Docker's rules, which this type encodes:
/// - The global scope holds the predefined platform arguments (`BUILDPLATFORM`, `TARGETPLATFORM`,
///   `TARGETOS`, `TARGETARCH`, …) and the `ARG`s before the first `FROM`. It is used only to expand
///   `FROM` lines (``globalScope(for:buildArguments:predefined:)``).
/// - A stage starts with its base image's `ENV` and no arguments. `ARG NAME` inside the stage makes
///   `NAME` visible: its value is the `--build-arg` if given, else its default, else (with no default)
///   the global value of the same name.
/// - `ENV` overrides an `ARG` of the same name, whatever their order.
/// - The proxy arguments (`HTTP_PROXY`, `https_proxy`, …) given as build arguments are passed to
///   `RUN` without being declared, but are not visible to expansion.
public struct BuildScope: Sendable, Hashable {
  /// The environment (`ENV` and the base image's `Env`), in order, keys unique.
  public private(set) var environment: [KeyValuePair] = []
  /// The declared arguments and their values, in order of declaration; nil when declared without a
  /// value.
  public private(set) var arguments: [ArgDefinition] = []
  /// The `--build-arg` values.
  public var buildArguments: [String: String]
  /// The values of the global arguments (after the predefined ones), inherited by `ARG NAME`.
  public var globalValues: [String: String]
  /// The escape character, for expanding `ARG` defaults.
  public var escapeCharacter: Unicode.Scalar

  /// The proxy arguments Docker passes to `RUN` without an `ARG`.
  public static let proxyArgumentNames: Set<String> = [
    "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy",
    "ALL_PROXY", "all_proxy",
  ]

  /// A stage's scope: the base image's environment (`KEY=value` strings, as in the image config),
  /// the build arguments, and the global values from ``globalScope(for:buildArguments:predefined:)``.
  public init(
    baseEnvironment: [String] = [], buildArguments: [String: String] = [:], globalValues: [String: String] = [:],
    escapeCharacter: Unicode.Scalar = "\\"
  ) {
    self.buildArguments = buildArguments
    self.globalValues = globalValues
    self.escapeCharacter = escapeCharacter
    setEnvironment(
      baseEnvironment.map { entry in
        let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return KeyValuePair(key: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
      })
  }

  /// The scope for `FROM` lines: `predefined` (the platform arguments, overridable by build
  /// arguments) and then each global `ARG` in order.
  public static func globalScope(
    for dockerfile: Dockerfile, buildArguments: [String: String] = [:], predefined: [String: String] = [:]
  ) throws(DockerfileError) -> BuildScope {
    var scope = BuildScope(buildArguments: buildArguments, escapeCharacter: dockerfile.escapeCharacter)
    for name in predefined.keys.sorted() {
      scope.arguments.append(ArgDefinition(name: name, defaultValue: buildArguments[name] ?? predefined[name]))
    }
    for step in dockerfile.globalArguments {
      guard case .arg(let definitions) = step.instruction else { continue }
      do {
        try scope.declare(definitions)
      } catch {
        throw DockerfileError(file: dockerfile.file, line: step.startLine, message: error.description)
      }
    }
    scope.globalValues = scope.argumentValues
    return scope
  }

  /// The value a word sees for `name`: the environment first, then the arguments.
  public func value(of name: String) -> String? {
    if let pair = environment.last(where: { $0.key == name }) { return pair.value }
    return arguments.last { $0.name == name }?.defaultValue
  }

  /// The declared arguments that have a value.
  public var argumentValues: [String: String] {
    var values: [String: String] = [:]
    for argument in arguments { values[argument.name] = argument.defaultValue }
    return values
  }

  /// Sets environment variables (already expanded), replacing earlier values of the same keys.
  public mutating func setEnvironment(_ pairs: [KeyValuePair]) {
    for pair in pairs {
      if let index = environment.firstIndex(where: { $0.key == pair.key }) {
        environment[index].value = pair.value
      } else {
        environment.append(pair)
      }
    }
  }

  /// Declares arguments: each takes its build argument, else its default expanded in this scope,
  /// else (with no default) its global value, else stays unset.
  public mutating func declare(_ definitions: [ArgDefinition]) throws(ShellExpansionError) {
    for definition in definitions {
      var value: String?
      if let given = buildArguments[definition.name] {
        value = given
      } else if let defaultValue = definition.defaultValue {
        value = try ShellWordExpander(escapeCharacter: escapeCharacter).expand(defaultValue, in: self)
      } else {
        value = globalValues[definition.name]
      }
      arguments.removeAll { $0.name == definition.name }
      arguments.append(ArgDefinition(name: definition.name, defaultValue: value))
    }
  }

  /// The environment a `RUN` step runs with, as `KEY=value`: the environment, then the arguments it
  /// does not override, then the proxy build arguments not otherwise set.
  public var runEnvironment: [String] {
    var seen = Set(environment.map(\.key))
    var result = environment.map { "\($0.key)=\($0.value)" }
    for argument in arguments {
      guard let value = argument.defaultValue, seen.insert(argument.name).inserted else { continue }
      result.append("\(argument.name)=\(value)")
    }
    for name in buildArguments.keys.sorted() where Self.proxyArgumentNames.contains(name) {
      guard seen.insert(name).inserted, let value = buildArguments[name] else { continue }
      result.append("\(name)=\(value)")
    }
    return result
  }

  /// Expands `step` in this scope and records what it declares (`ENV`, `ARG`). Returns the expanded
  /// instruction; for `ARG`, the values each name resolved to (nil when it stays unset). The builder calls this once per step, in order, on the stage's scope.
  public mutating func apply(_ step: DockerfileStep, file: String = "Dockerfile") throws(DockerfileError)
    -> Instruction
  {
    do {
      let expanded = try step.instruction.expanded(in: self, escapeCharacter: escapeCharacter)
      switch expanded {
      case .env(let pairs): setEnvironment(pairs)
      case .arg(let definitions):
        try declare(definitions)
        let values = argumentValues
        return .arg(definitions.map { ArgDefinition(name: $0.name, defaultValue: values[$0.name]) })
      default: break
      }
      return expanded
    } catch {
      throw DockerfileError(file: file, line: step.startLine, message: error.description)
    }
  }
}
