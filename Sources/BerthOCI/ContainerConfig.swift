/// The `config` member of an image config, and Docker's container `Config`, with Docker's
/// capitalised keys. Every member is optional and omitted from JSON when nil.
public struct ContainerConfig: Sendable, Hashable, Codable {
  /// `Hostname`.
  public var hostname: String?
  /// `Domainname`.
  public var domainname: String?
  /// `User`: `name`, `uid`, `name:group` or `uid:gid`; empty means root.
  public var user: String?
  /// `AttachStdin`.
  public var attachStdin: Bool?
  /// `AttachStdout`.
  public var attachStdout: Bool?
  /// `AttachStderr`.
  public var attachStderr: Bool?
  /// `ExposedPorts`: a set of `port/proto` keys such as `80/tcp`.
  public var exposedPorts: [String: EmptyObject]?
  /// `Tty`.
  public var tty: Bool?
  /// `OpenStdin`.
  public var openStdin: Bool?
  /// `StdinOnce`.
  public var stdinOnce: Bool?
  /// `Env`: `KEY=value` strings in order.
  public var env: [String]?
  /// `Cmd`: the default arguments (after the entrypoint).
  public var cmd: [String]?
  /// `Healthcheck`.
  public var healthcheck: Healthcheck?
  /// `ArgsEscaped`: Windows-only detail Docker records for shell-form commands.
  public var argsEscaped: Bool?
  /// `Image`: the image the container was created from, or the parent during a build.
  public var image: String?
  /// `Volumes`: a set of container paths that get anonymous volumes.
  public var volumes: [String: EmptyObject]?
  /// `WorkingDir`.
  public var workingDir: String?
  /// `Entrypoint`.
  public var entrypoint: [String]?
  /// `NetworkDisabled`.
  public var networkDisabled: Bool?
  /// `OnBuild`: Dockerfile instructions run when this image is used as a base.
  public var onBuild: [String]?
  /// `Labels`.
  public var labels: [String: String]?
  /// `StopSignal`, for example `SIGTERM` or `9`.
  public var stopSignal: String?
  /// `StopTimeout` in seconds (containers only).
  public var stopTimeout: Int?
  /// `Shell`: the shell for shell-form instructions, default `["/bin/sh", "-c"]`.
  public var shell: [String]?

  /// Creates a config; every member defaults to nil.
  public init(
    hostname: String? = nil, domainname: String? = nil, user: String? = nil, attachStdin: Bool? = nil,
    attachStdout: Bool? = nil, attachStderr: Bool? = nil, exposedPorts: [String: EmptyObject]? = nil,
    tty: Bool? = nil, openStdin: Bool? = nil, stdinOnce: Bool? = nil, env: [String]? = nil, cmd: [String]? = nil,
    healthcheck: Healthcheck? = nil, argsEscaped: Bool? = nil, image: String? = nil,
    volumes: [String: EmptyObject]? = nil, workingDir: String? = nil, entrypoint: [String]? = nil,
    networkDisabled: Bool? = nil, onBuild: [String]? = nil, labels: [String: String]? = nil,
    stopSignal: String? = nil, stopTimeout: Int? = nil, shell: [String]? = nil
  ) {
    self.hostname = hostname
    self.domainname = domainname
    self.user = user
    self.attachStdin = attachStdin
    self.attachStdout = attachStdout
    self.attachStderr = attachStderr
    self.exposedPorts = exposedPorts
    self.tty = tty
    self.openStdin = openStdin
    self.stdinOnce = stdinOnce
    self.env = env
    self.cmd = cmd
    self.healthcheck = healthcheck
    self.argsEscaped = argsEscaped
    self.image = image
    self.volumes = volumes
    self.workingDir = workingDir
    self.entrypoint = entrypoint
    self.networkDisabled = networkDisabled
    self.onBuild = onBuild
    self.labels = labels
    self.stopSignal = stopSignal
    self.stopTimeout = stopTimeout
    self.shell = shell
  }

  enum CodingKeys: String, CodingKey {
    case hostname = "Hostname"
    case domainname = "Domainname"
    case user = "User"
    case attachStdin = "AttachStdin"
    case attachStdout = "AttachStdout"
    case attachStderr = "AttachStderr"
    case exposedPorts = "ExposedPorts"
    case tty = "Tty"
    case openStdin = "OpenStdin"
    case stdinOnce = "StdinOnce"
    case env = "Env"
    case cmd = "Cmd"
    case healthcheck = "Healthcheck"
    case argsEscaped = "ArgsEscaped"
    case image = "Image"
    case volumes = "Volumes"
    case workingDir = "WorkingDir"
    case entrypoint = "Entrypoint"
    case networkDisabled = "NetworkDisabled"
    case onBuild = "OnBuild"
    case labels = "Labels"
    case stopSignal = "StopSignal"
    case stopTimeout = "StopTimeout"
    case shell = "Shell"
  }
}

/// Docker's `Healthcheck`: durations are nanoseconds, as Docker stores them.
public struct Healthcheck: Sendable, Hashable, Codable {
  /// `Test`: `[]` inherit, `["NONE"]` disabled, `["CMD", args…]` or `["CMD-SHELL", command]`.
  public var test: [String]?
  /// `Interval` between checks, nanoseconds; 0 or nil means the default (30 s).
  public var interval: Int64?
  /// `Timeout` of one check, nanoseconds; 0 or nil means the default (30 s).
  public var timeout: Int64?
  /// `StartPeriod` during which failures do not count, nanoseconds.
  public var startPeriod: Int64?
  /// `StartInterval` between checks during the start period, nanoseconds.
  public var startInterval: Int64?
  /// `Retries`: consecutive failures before `unhealthy`; 0 or nil means the default (3).
  public var retries: Int?

  /// Creates a health check.
  public init(
    test: [String]? = nil, interval: Int64? = nil, timeout: Int64? = nil, startPeriod: Int64? = nil,
    startInterval: Int64? = nil, retries: Int? = nil
  ) {
    self.test = test
    self.interval = interval
    self.timeout = timeout
    self.startPeriod = startPeriod
    self.startInterval = startInterval
    self.retries = retries
  }

  enum CodingKeys: String, CodingKey {
    case test = "Test"
    case interval = "Interval"
    case timeout = "Timeout"
    case startPeriod = "StartPeriod"
    case startInterval = "StartInterval"
    case retries = "Retries"
  }
}
