/// A typed Dockerfile instruction.
public indirect enum Instruction: Sendable, Hashable {
  /// `FROM [--platform=…] image [AS name]`.
  case from(FromInstruction)
  /// `RUN [--mount=…] [--network=…] [--security=…] command`.
  case run(RunInstruction)
  /// `CMD command`.
  case cmd(CommandForm)
  /// `ENTRYPOINT command`.
  case entrypoint(CommandForm)
  /// `COPY [--from=…] [--chown=…] [--chmod=…] [--link] [--parents] [--exclude=…] src… dest`.
  case copy(CopyInstruction)
  /// `ADD [--chown=…] [--chmod=…] [--checksum=…] [--keep-git-dir] [--link] src… dest`.
  case add(AddInstruction)
  /// `ENV key=value…` or `ENV key value`.
  case env([KeyValuePair])
  /// `ARG name[=default]…`.
  case arg([ArgDefinition])
  /// `WORKDIR path`.
  case workdir(String)
  /// `EXPOSE port[/proto]…`, sorted as BuildKit sorts them.
  case expose([String])
  /// `LABEL key=value…` or `LABEL key value`.
  case label([KeyValuePair])
  /// `USER user[:group]`.
  case user(String)
  /// `VOLUME path…` or `VOLUME ["path", …]`.
  case volume([String])
  /// `HEALTHCHECK [options] CMD command` or `HEALTHCHECK NONE`.
  case healthcheck(HealthcheckInstruction)
  /// `STOPSIGNAL signal`.
  case stopSignal(String)
  /// `SHELL ["executable", "parameters"…]`.
  case shell([String])
  /// `ONBUILD instruction`.
  case onbuild(OnBuildInstruction)
  /// `MAINTAINER name` (deprecated).
  case maintainer(String)

  /// The keyword in upper case, for example `RUN`.
  public var keyword: String {
    switch self {
    case .from: "FROM"
    case .run: "RUN"
    case .cmd: "CMD"
    case .entrypoint: "ENTRYPOINT"
    case .copy: "COPY"
    case .add: "ADD"
    case .env: "ENV"
    case .arg: "ARG"
    case .workdir: "WORKDIR"
    case .expose: "EXPOSE"
    case .label: "LABEL"
    case .user: "USER"
    case .volume: "VOLUME"
    case .healthcheck: "HEALTHCHECK"
    case .stopSignal: "STOPSIGNAL"
    case .shell: "SHELL"
    case .onbuild: "ONBUILD"
    case .maintainer: "MAINTAINER"
    }
  }
}

/// A command in exec form (JSON array, run directly) or shell form (run by the stage's `SHELL`).
public enum CommandForm: Sendable, Hashable {
  /// `["executable", "arg"…]`.
  case exec([String])
  /// `command text`, to be run as `SHELL + [text]` (by default `/bin/sh -c text`).
  case shell(String)
}

/// `FROM`.
public struct FromInstruction: Sendable, Hashable {
  /// The base image or earlier stage name, before expansion: `busybox`, `${BASE}:1`, `scratch`.
  public var image: String
  /// The stage name from `AS name`, lowercased as BuildKit does.
  public var stageName: String?
  /// `--platform`, before expansion.
  public var platform: String?

  /// Creates a `FROM`.
  public init(image: String, stageName: String? = nil, platform: String? = nil) {
    self.image = image
    self.stageName = stageName
    self.platform = platform
  }
}

/// `RUN`.
public struct RunInstruction: Sendable, Hashable {
  /// The command.
  public var command: CommandForm
  /// The heredocs attached to the command (`RUN <<EOF`), to be passed on its standard input or as
  /// files as BuildKit does.
  public var heredocs: [Heredoc]
  /// Each `--mount=` value, as written (expanded by ``Instruction/expanded(in:escapeCharacter:)``).
  public var mounts: [String]
  /// `--network=` (`default`, `none` or `host`), nil when not given.
  public var network: String?
  /// `--security=` (`sandbox` or `insecure`), nil when not given.
  public var security: String?
  /// Each `--device=` value.
  public var devices: [String]

  /// Creates a `RUN`.
  public init(
    command: CommandForm, heredocs: [Heredoc] = [], mounts: [String] = [], network: String? = nil,
    security: String? = nil, devices: [String] = []
  ) {
    self.command = command
    self.heredocs = heredocs
    self.mounts = mounts
    self.network = network
    self.security = security
    self.devices = devices
  }
}

/// A source given inline as a heredoc: `COPY <<EOF /etc/motd`.
public struct InlineSource: Sendable, Hashable {
  /// The file name (the heredoc delimiter).
  public var name: String
  /// The content, tabs already stripped for `<<-`.
  public var content: String
  /// Whether `$VAR` in the content is expanded (the delimiter was not quoted).
  public var expands: Bool

  /// Creates an inline source.
  public init(name: String, content: String, expands: Bool) {
    self.name = name
    self.content = content
    self.expands = expands
  }
}

/// `COPY`.
public struct CopyInstruction: Sendable, Hashable {
  /// The source paths (patterns) in the build context or the `--from` stage or image.
  public var sources: [String]
  /// Sources given inline as heredocs.
  public var inlineSources: [InlineSource]
  /// The destination path.
  public var destination: String
  /// `--from=` stage name, stage index or image; never expanded (as in BuildKit).
  public var from: String?
  /// `--chown=`.
  public var chown: String?
  /// `--chmod=`.
  public var chmod: String?
  /// `--link`.
  public var link: Bool
  /// `--parents`.
  public var parents: Bool
  /// Each `--exclude=` pattern.
  public var excludes: [String]

  /// Creates a `COPY`.
  public init(
    sources: [String], inlineSources: [InlineSource] = [], destination: String, from: String? = nil,
    chown: String? = nil, chmod: String? = nil, link: Bool = false, parents: Bool = false, excludes: [String] = []
  ) {
    self.sources = sources
    self.inlineSources = inlineSources
    self.destination = destination
    self.from = from
    self.chown = chown
    self.chmod = chmod
    self.link = link
    self.parents = parents
    self.excludes = excludes
  }
}

/// `ADD`.
public struct AddInstruction: Sendable, Hashable {
  /// The source paths or URLs.
  public var sources: [String]
  /// Sources given inline as heredocs.
  public var inlineSources: [InlineSource]
  /// The destination path.
  public var destination: String
  /// `--chown=`.
  public var chown: String?
  /// `--chmod=`.
  public var chmod: String?
  /// `--checksum=`.
  public var checksum: String?
  /// `--keep-git-dir[=bool]`, nil when not given.
  public var keepGitDirectory: Bool?
  /// `--unpack[=bool]`, nil when not given.
  public var unpack: Bool?
  /// `--link`.
  public var link: Bool
  /// Each `--exclude=` pattern.
  public var excludes: [String]

  /// Creates an `ADD`.
  public init(
    sources: [String], inlineSources: [InlineSource] = [], destination: String, chown: String? = nil,
    chmod: String? = nil, checksum: String? = nil, keepGitDirectory: Bool? = nil, unpack: Bool? = nil,
    link: Bool = false, excludes: [String] = []
  ) {
    self.sources = sources
    self.inlineSources = inlineSources
    self.destination = destination
    self.chown = chown
    self.chmod = chmod
    self.checksum = checksum
    self.keepGitDirectory = keepGitDirectory
    self.unpack = unpack
    self.link = link
    self.excludes = excludes
  }
}

/// One `key=value` of `ENV` or `LABEL`.
public struct KeyValuePair: Sendable, Hashable {
  /// The key, before expansion.
  public var key: String
  /// The value, before expansion (quotes still present).
  public var value: String

  /// Creates a pair.
  public init(key: String, value: String) {
    self.key = key
    self.value = value
  }
}

/// One name of `ARG`, with its default.
public struct ArgDefinition: Sendable, Hashable {
  /// The name.
  public var name: String
  /// The default value (`ARG name=default`), before expansion; nil for `ARG name`.
  public var defaultValue: String?

  /// Creates an argument definition.
  public init(name: String, defaultValue: String? = nil) {
    self.name = name
    self.defaultValue = defaultValue
  }
}

/// `HEALTHCHECK`, in the shape of the image config's `Healthcheck` (durations in nanoseconds).
public struct HealthcheckInstruction: Sendable, Hashable {
  /// `["NONE"]`, `["CMD", args…]` (exec form) or `["CMD-SHELL", command]` (shell form).
  public var test: [String]
  /// `--interval`, nanoseconds; nil when not given or zero.
  public var interval: Int64?
  /// `--timeout`, nanoseconds.
  public var timeout: Int64?
  /// `--start-period`, nanoseconds.
  public var startPeriod: Int64?
  /// `--start-interval`, nanoseconds.
  public var startInterval: Int64?
  /// `--retries`; nil when not given.
  public var retries: Int?

  /// Creates a health check.
  public init(
    test: [String], interval: Int64? = nil, timeout: Int64? = nil, startPeriod: Int64? = nil,
    startInterval: Int64? = nil, retries: Int? = nil
  ) {
    self.test = test
    self.interval = interval
    self.timeout = timeout
    self.startPeriod = startPeriod
    self.startInterval = startInterval
    self.retries = retries
  }

  /// True for `HEALTHCHECK NONE`, which disables any health check inherited from the base image.
  public var disables: Bool { test == ["NONE"] }
}

/// `ONBUILD`.
public struct OnBuildInstruction: Sendable, Hashable {
  /// The trigger as text, as stored in the image config's `OnBuild` (heredoc bodies appended).
  public var expression: String
  /// The trigger, parsed.
  public var trigger: Instruction

  /// Creates an `ONBUILD`.
  public init(expression: String, trigger: Instruction) {
    self.expression = expression
    self.trigger = trigger
  }
}
