extension ContainerConfig {
  /// The `PATH` Docker gives a Linux container whose image and user set none.
  public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

  /// Combines these image defaults with the user's options exactly as Docker does
  /// (moby's `merge` and `mergeAndVerifyConfig`, then `CreateDaemonEnvironment`).
  ///
  /// - An explicit entrypoint replaces the image's Entrypoint *and* drops the image's Cmd; the
  ///   user's arguments, if any, become Cmd. `[""]` resets the entrypoint.
  /// - Without an explicit entrypoint, arguments replace the image's Cmd.
  /// - argv is entrypoint + cmd; when it is empty, throws ``RunConfigurationError/noCommand``.
  /// - `hostname` becomes `HOSTNAME` in the process environment.
  public func runConfiguration(_ overrides: RunOverrides, hostname: String) throws(RunConfigurationError)
    -> RunConfiguration
  {
    if let workingDir = overrides.workingDir, !workingDir.isEmpty, !workingDir.hasPrefix("/") {
      throw .relativeWorkingDir(workingDir)
    }

    var entrypoint = overrides.entrypoint
    var cmd: [String]? = overrides.cmd.isEmpty ? nil : overrides.cmd
    if entrypoint?.isEmpty ?? true {
      if cmd == nil { cmd = self.cmd }
      if entrypoint == nil { entrypoint = self.entrypoint }
    }
    if entrypoint == [""] { entrypoint = nil }
    let argv = (entrypoint ?? []) + (cmd ?? [])
    guard !argv.isEmpty else { throw .noCommand }

    let env = ContainerConfig.mergeEnv(user: overrides.env, image: self.env ?? [])
    var defaults = ["PATH=" + ContainerConfig.defaultPath, "HOSTNAME=" + hostname]
    if overrides.tty { defaults.append("TERM=xterm") }
    let user = overrides.user.flatMap { $0.isEmpty ? nil : $0 } ?? self.user ?? ""
    let workingDir = overrides.workingDir.flatMap { $0.isEmpty ? nil : $0 } ?? self.workingDir ?? ""

    return RunConfiguration(
      entrypoint: entrypoint, cmd: cmd, env: env, workingDir: workingDir, user: user, argv: argv,
      processEnv: ContainerConfig.replaceOrAppendEnv(defaults, env))
  }

  /// moby's env merge for `Config.Env`: the user's entries, then each image entry whose key the
  /// user did not mention (a bare `KEY` counts as mentioning it).
  static func mergeEnv(user: [String], image: [String]) -> [String] {
    guard !user.isEmpty else { return image }
    let userKeys = Set(user.map(envKey))
    return user + image.filter { !userKeys.contains(envKey($0)) }
  }

  /// moby's `ReplaceOrAppendEnvValues`: an override replaces the default with the same key or is
  /// appended; a bare `KEY` removes that default and is otherwise dropped. Like moby, only
  /// defaults are matched, so repeated overrides of a new key are all appended.
  static func replaceOrAppendEnv(_ defaults: [String], _ overrides: [String]) -> [String] {
    var result: [String?] = defaults
    var position: [Substring: Int] = [:]
    for (index, entry) in defaults.enumerated() {
      position[envKey(entry)] = index
    }
    for entry in overrides {
      let key = envKey(entry)
      if !entry.contains("=") {
        if let index = position[key] { result[index] = nil }
      } else if let index = position[key] {
        result[index] = entry
      } else {
        result.append(entry)
      }
    }
    return result.compactMap { $0 }
  }

  /// The part of `KEY=value` before the first `=`, or the whole string.
  private static func envKey(_ entry: String) -> Substring {
    entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
  }
}

extension ImageConfig {
  /// Combines this image's ``config`` (or empty defaults) with the user's options; see
  /// ``ContainerConfig/runConfiguration(_:hostname:)``.
  public func runConfiguration(_ overrides: RunOverrides, hostname: String) throws(RunConfigurationError)
    -> RunConfiguration
  {
    try (config ?? ContainerConfig()).runConfiguration(overrides, hostname: hostname)
  }
}
