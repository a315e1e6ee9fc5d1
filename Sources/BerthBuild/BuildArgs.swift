/// Build arguments (`--build-arg`) and their scoping, as Docker's builder applies them: a value
/// is visible only after an `ARG` declares it in the stage (or before the first FROM for FROM
/// lines); the proxy variables are predefined. Values reach RUN's environment but never the
/// image config.
public struct BuildArgs: Sendable {
  /// The proxy arguments usable without declaration.
  public static let predefined: Set<String> = [
    "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy",
    "ALL_PROXY", "all_proxy",
  ]

  /// `--build-arg` values; a nil value means "take it from the client's environment" (unset).
  public var given: [String: String?]
  /// Values of the ARGs before the first FROM.
  public private(set) var global: [String: String] = [:]
  /// The ARGs declared in the current stage, with their values (nil when none).
  public private(set) var declared: [String: String?] = [:]
  /// Names declared anywhere (for the "not consumed" warning).
  public private(set) var consumed: Set<String> = []

  /// Starts with the user's `--build-arg`s.
  public init(given: [String: String?]) { self.given = given }

  /// Declares the ARGs before the first FROM.
  public mutating func declareGlobal(_ args: [ArgDeclaration]) {
    for arg in args {
      consumed.insert(arg.name)
      if let value = given[arg.name] ?? arg.defaultValue { global[arg.name] = value }
    }
  }

  /// Starts a new stage: nothing is declared yet.
  public mutating func beginStage() { declared = [:] }

  /// `ARG name[=default]` in a stage; a global ARG of the same name supplies the default.
  public mutating func declare(_ arg: ArgDeclaration) {
    consumed.insert(arg.name)
    declared[arg.name] = given[arg.name] ?? arg.defaultValue ?? global[arg.name]
  }

  /// The scope of FROM lines: the global ARGs.
  public var globalScope: VariableScope {
    VariableScope(global.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
  }

  /// `KEY=value` of every declared (or predefined and given) argument with a value whose key is
  /// not set by `env`, sorted by key.
  public func allowed(notIn env: [String]) -> [String] {
    let envKeys = Set(env.map { String($0.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]) })
    var values: [String: String] = [:]
    for (key, value) in declared { if let value { values[key] = value } }
    for key in Self.predefined where declared[key] == nil {
      if let value = given[key] ?? nil { values[key] = value }
    }
    return values.filter { !envKeys.contains($0.key) }.map { "\($0.key)=\($0.value)" }.sorted()
  }

  /// What RUN records in its history: the declared (not merely predefined) arguments.
  public func recorded(notIn env: [String]) -> [String] {
    allowed(notIn: env).filter { entry in
      let key = String(entry.split(separator: "=", maxSplits: 1)[0])
      return declared[key] != nil
    }
  }

  /// The scope of an instruction: the config's ENV, then the allowed arguments not shadowed by it.
  public func scope(env: [String]) -> VariableScope {
    VariableScope(allowed(notIn: env) + env)
  }

  /// `--build-arg`s no ARG declared (Docker warns about them).
  public var unconsumed: [String] {
    given.keys.filter { !consumed.contains($0) && !Self.predefined.contains($0) }.sorted()
  }
}
