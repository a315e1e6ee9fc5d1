import BerthOCI

/// The runtime configuration of one container, in the shape of the OCI runtime spec
/// (`config.json`), with Berth's overlay layout and a Docker-format seccomp profile.
public struct RuntimeSpec: Codable, Sendable, Equatable {
  /// OCI spec version written.
  public var ociVersion = "1.0.2"
  /// The container's first process.
  public var process: Process
  /// The root filesystem.
  public var root: Root
  /// The UTS hostname.
  public var hostname: String
  /// Mounts made in the container, in order, after the root.
  public var mounts: [Mount]
  /// Linux-specific settings.
  public var linux: Linux

  /// The process to run.
  public struct Process: Codable, Sendable, Equatable {
    /// Whether it gets a terminal.
    public var terminal = false
    /// Who it runs as.
    public var user = User()
    /// argv.
    public var args: [String]
    /// Environment, `K=V`.
    public var env: [String]
    /// Working directory (absolute).
    public var cwd = "/"
    /// Capability sets by name.
    public var capabilities = CapabilitySets()
    /// Resource limits.
    public var rlimits: [Rlimit] = []
    /// Whether no_new_privs is set.
    public var noNewPrivileges = false
    /// oom_score_adj.
    public var oomScoreAdj: Int?

    /// Makes a process with argv and environment.
    public init(args: [String], env: [String]) {
      self.args = args
      self.env = env
    }
  }

  /// Numeric identity of the process.
  public struct User: Codable, Sendable, Equatable {
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    public var additionalGids: [UInt32] = []
    /// Makes an identity.
    public init(uid: UInt32 = 0, gid: UInt32 = 0, additionalGids: [UInt32] = []) {
      self.uid = uid
      self.gid = gid
      self.additionalGids = additionalGids
    }
  }

  /// The five capability sets.
  public struct CapabilitySets: Codable, Sendable, Equatable {
    public var bounding: [String] = []
    public var effective: [String] = []
    public var permitted: [String] = []
    public var inheritable: [String] = []
    public var ambient: [String] = []
    /// Makes empty sets.
    public init() {}
    /// The sets Docker uses for a process with these capabilities (root: all but ambient;
    /// the kernel clears effective/permitted on exec for a non-root user).
    public init(_ caps: [String]) {
      bounding = caps
      effective = caps
      permitted = caps
    }
  }

  /// One rlimit, as `RLIMIT_NOFILE`.
  public struct Rlimit: Codable, Sendable, Equatable {
    public var type: String
    public var hard: UInt64
    public var soft: UInt64
    /// Makes a limit.
    public init(type: String, hard: UInt64, soft: UInt64) {
      self.type = type
      self.hard = hard
      self.soft = soft
    }
  }

  /// The root filesystem: an overlay of read-only layer directories and a writable upper dir.
  public struct Root: Codable, Sendable, Equatable {
    /// Where the root is mounted (in the container's mount namespace only).
    public var path: String
    /// Whether / is read-only.
    public var readonly = false
    /// Layer directories, topmost first.
    public var lowerDirs: [String]
    /// The container's writable layer.
    public var upperDir: String
    /// overlayfs's work dir.
    public var workDir: String
    /// Makes a root.
    public init(path: String, lowerDirs: [String], upperDir: String, workDir: String) {
      self.path = path
      self.lowerDirs = lowerDirs
      self.upperDir = upperDir
      self.workDir = workDir
    }
  }

  /// A mount, as in the OCI spec.
  public struct Mount: Codable, Sendable, Equatable {
    public var destination: String
    public var type: String
    public var source: String
    public var options: [String]
    /// Makes a mount.
    public init(destination: String, type: String, source: String, options: [String]) {
      self.destination = destination
      self.type = type
      self.source = source
      self.options = options
    }
  }

  /// Linux settings.
  public struct Linux: Codable, Sendable, Equatable {
    /// Namespaces to create: pid, network, ipc, uts, mount, and cgroup (`--cgroupns private`).
    public var namespaces: [String] = ["pid", "network", "ipc", "uts", "mount"]
    /// cgroup limits.
    public var resources = Resources()
    /// Paths hidden from the container.
    public var maskedPaths: [String] = []
    /// Paths made read-only.
    public var readonlyPaths: [String] = []
    /// Device nodes to create in /dev.
    public var devices: [Device] = []
    /// Docker-format seccomp profile; nil = unconfined.
    public var seccomp: SeccompProfile?
    /// Whether sysfs is writable and every device allowed (`--privileged`).
    public var privileged = false
    /// Makes default settings.
    public init() {}
  }

  /// cgroup limits.
  public struct Resources: Codable, Sendable, Equatable {
    /// Memory limit in bytes.
    public var memory: Int64?
    /// Memory + swap limit in bytes (-1 unlimited).
    public var memorySwap: Int64?
    /// CPU quota in units of 1e-9 CPUs (`--cpus 1.5` = 1_500_000_000).
    public var nanoCPUs: Int64?
    /// Relative CPU weight (`--cpu-shares`).
    public var cpuShares: Int64?
    /// Max number of pids.
    public var pidsLimit: Int64?
    /// CPUs and memory nodes the container may use (`0-2,4`).
    public var cpusetCpus: String?
    public var cpusetMems: String?
    /// Extra device cgroup allow rules (`c 7:128 rwm`), on top of the default allowlist.
    public var deviceRules: [String]?
    /// The memory cgroup's swappiness (0–100).
    public var memorySwappiness: Int64?
    /// Makes no limits.
    public init() {}
  }

  /// A character or block device node.
  public struct Device: Codable, Sendable, Equatable {
    public var path: String
    public var type: String
    public var major: Int64
    public var minor: Int64
    public var fileMode: UInt32
    /// Makes a device.
    public init(path: String, type: String, major: Int64, minor: Int64, fileMode: UInt32 = 0o666) {
      self.path = path
      self.type = type
      self.major = major
      self.minor = minor
      self.fileMode = fileMode
    }
  }

  /// Makes a spec.
  public init(process: Process, root: Root, hostname: String, mounts: [Mount], linux: Linux) {
    self.process = process
    self.root = root
    self.hostname = hostname
    self.mounts = mounts
    self.linux = linux
  }
}
