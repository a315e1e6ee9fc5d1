import BerthOCI
import BerthRuntime

/// What a container was created with: Docker's `Config` (already combined with the image's) and
/// the host settings of `HostConfig` that Berth supports.
public struct ContainerSettings: Codable, Sendable {
  /// Docker's container `Config`.
  public var config: ContainerConfig
  /// Host-side settings.
  public var host: HostSettings
  /// The combined argv.
  public var argv: [String]
  /// Volumes, binds and `--mount` tmpfs mounts, resolved at create (nil for none).
  public var mountPoints: [MountPoint]? = nil
}

/// The `HostConfig` settings Berth supports.
public struct HostSettings: Codable, Sendable, Equatable {
  /// `--rm`.
  public var autoRemove = false
  /// `--privileged`.
  public var privileged = false
  /// `--read-only`.
  public var readonlyRootfs = false
  /// `--cap-add`.
  public var capAdd: [String] = []
  /// `--cap-drop`.
  public var capDrop: [String] = []
  /// `--security-opt` values as given.
  public var securityOpt: [String] = []
  /// `--memory` in bytes (0 = unlimited).
  public var memory: Int64 = 0
  /// `--memory-swap` in bytes (0 = default, -1 = unlimited).
  public var memorySwap: Int64 = 0
  /// `--cpus` × 1e9.
  public var nanoCPUs: Int64 = 0
  /// `--cpu-shares`.
  public var cpuShares: Int64 = 0
  /// `--pids-limit` (0 = unlimited).
  public var pidsLimit: Int64 = 0
  /// `--ulimit`.
  public var ulimits: [RuntimeSpec.Rlimit] = []
  /// `--network`: `default` (the `bridge` network), `bridge`, `none`, `host`, or a network's name or id.
  public var networkMode = "default"
  /// `--init`: run berth-init as PID 1 (nil: no).
  public var initProcess: Bool?
  /// `--restart`; nil is `no`.
  public var restartPolicy: RestartPolicy?
  /// `--log-driver`: `none` keeps no log (nil: `json-file`).
  public var logDriver: String?
  /// `--log-opt` (json-file: `max-size`, `max-file`).
  public var logOptions: [String: String]?
  /// A seccomp profile loaded from `--security-opt seccomp=FILE`.
  public var seccompProfile: SeccompProfile?
  /// `-v`/`--volume` as given (Docker's `HostConfig.Binds`).
  public var binds: [String]?
  /// `--mount`.
  public var mounts: [MountSpec]?
  /// `--tmpfs`: path → options.
  public var tmpfs: [String: String]?
  /// `--volumes-from`.
  public var volumesFrom: [String]?
  /// Published ports, aliases, DNS and hosts options (`-p`, `-P`, `--network-alias`, `--dns`, …).
  public var networking: NetworkingOptions?
  /// `--pid`: `host` shares the host's PID namespace (nil: a new one).
  public var pidMode: String?
  /// `--uts`: `host` shares the host's hostname (nil: a new UTS namespace).
  public var utsMode: String?
  /// `--cgroupns`: `private` gives the container its own cgroup namespace (nil: `host`).
  public var cgroupnsMode: String?
  /// `--isolation`: only `default` on Linux (nil: not given).
  public var isolation: String?
  /// `--cpuset-cpus` and `--cpuset-mems` (nil: every CPU and node).
  public var cpusetCpus: String?
  public var cpusetMems: String?
  /// `--group-add`: supplementary groups (names from the image's /etc/group, or numbers).
  public var groupAdd: [String]?
  /// `--device-cgroup-rule`: extra device cgroup allow rules (`c 7:128 rwm`).
  public var deviceCgroupRules: [String]?
  /// `--memory-swappiness` (0–100; nil: the kernel's default).
  public var memorySwappiness: Int64?
  /// `--volume-driver` as given (Berth has the `local` driver only).
  public var volumeDriver: String?

  /// Default settings.
  public init() {}
}

/// Everything `create` needs.
public struct CreateOptions: Sendable {
  /// The image as the user named it (reference or id).
  public var image: String
  /// `--name`; nil makes a random name.
  public var name: String?
  /// Entrypoint, command, env, workdir, user.
  public var overrides = RunOverrides()
  /// `--hostname`.
  public var hostname: String?
  /// `-t`.
  public var tty = false
  /// `-i`.
  public var openStdin = false
  /// Close the container's stdin when the attached client's input ends (`run -i` in the
  /// foreground).
  public var stdinOnce = false
  /// `--label`.
  public var labels: [String: String] = [:]
  /// `--health-*` and `--no-healthcheck` (merged over the image's HEALTHCHECK).
  public var healthcheck: Healthcheck?
  /// `--stop-signal` and `--stop-timeout` (nil: the image's, or SIGTERM and 10 s).
  public var stopSignal: String?
  public var stopTimeout: Int?
  /// Host settings.
  public var host = HostSettings()
  /// Anonymous volumes (`-v /path`), added to `Config.Volumes` as Docker's CLI does.
  public var volumes: [String] = []

  /// Options to run image with its defaults.
  public init(image: String) { self.image = image }
}
