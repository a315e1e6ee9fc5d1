/// What the user of `docker run` / `POST /containers/create` said about the process, to be
/// combined with the image's defaults by ``ContainerConfig/runConfiguration(_:hostname:)``.
public struct RunOverrides: Sendable, Hashable {
  /// The explicit entrypoint: nil when not given (use the image's).
  ///
  /// The CLI's `--entrypoint X` is `[X]` (one word, not split) and `--entrypoint ""` is `[""]`,
  /// which resets the entrypoint. Through the API an empty array `[]` also clears the
  /// entrypoint but, unlike `[""]`, keeps the image's `Cmd` when no arguments are given.
  public var entrypoint: [String]?
  /// The arguments after the image name; empty means "use the image's Cmd" (when allowed).
  public var cmd: [String]
  /// `-e`/`--env` values in order. `KEY=value` sets; a bare `KEY` should already have been
  /// resolved from the client's environment; if it was not, it unsets `KEY` like Docker does.
  public var env: [String]
  /// `-w`/`--workdir`; must be absolute when given.
  public var workingDir: String?
  /// `-u`/`--user`; nil or empty means the image's user.
  public var user: String?
  /// `-t`/`--tty`: adds `TERM=xterm` to the process environment.
  public var tty: Bool

  /// Creates overrides; the defaults mean "nothing given".
  public init(
    entrypoint: [String]? = nil, cmd: [String] = [], env: [String] = [], workingDir: String? = nil,
    user: String? = nil, tty: Bool = false
  ) {
    self.entrypoint = entrypoint
    self.cmd = cmd
    self.env = env
    self.workingDir = workingDir
    self.user = user
    self.tty = tty
  }
}

/// The result of combining an image config with ``RunOverrides``: both the container `Config`
/// values Docker records (what `docker inspect` shows) and what the process actually gets.
public struct RunConfiguration: Sendable, Hashable {
  /// The recorded `Config.Entrypoint` (nil after a reset).
  public var entrypoint: [String]?
  /// The recorded `Config.Cmd`.
  public var cmd: [String]?
  /// The recorded `Config.Env`: the user's values, then the image's values whose keys the user
  /// did not set.
  public var env: [String]
  /// The recorded `Config.WorkingDir`; empty when neither the user nor the image set one.
  public var workingDir: String
  /// The recorded `Config.User`; empty means root.
  public var user: String
  /// The process's argv: entrypoint followed by cmd. Never empty.
  public var argv: [String]
  /// The process's environment: `PATH` (default unless set), `HOSTNAME`, `TERM=xterm` with a
  /// tty, then ``env`` replacing same-named entries. `HOME` is left to the runtime, which
  /// derives it from the user's passwd entry when unset (as runc does).
  public var processEnv: [String]

  /// Creates a run configuration.
  public init(
    entrypoint: [String]?, cmd: [String]?, env: [String], workingDir: String, user: String, argv: [String],
    processEnv: [String]
  ) {
    self.entrypoint = entrypoint
    self.cmd = cmd
    self.env = env
    self.workingDir = workingDir
    self.user = user
    self.argv = argv
    self.processEnv = processEnv
  }

  /// The process's working directory: ``workingDir``, or `/` when empty.
  public var cwd: String { workingDir.isEmpty ? "/" : workingDir }
}

/// Why a container cannot be configured; `description` is Docker's message.
public struct RunConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The message.
  public let description: String

  /// Creates an error with the given message.
  public init(_ description: String) {
    self.description = description
  }

  /// Neither the user nor the image gave a command.
  public static let noCommand = RunConfigurationError("no command specified")

  /// A `--workdir` that is not absolute.
  public static func relativeWorkingDir(_ path: String) -> RunConfigurationError {
    RunConfigurationError("the working directory '\(path)' is invalid, it needs to be an absolute path")
  }
}
