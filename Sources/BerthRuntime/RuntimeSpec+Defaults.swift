extension RuntimeSpec {
  /// The mounts every container gets, as runc's and Docker's defaults.
  public static func defaultMounts(privileged: Bool) -> [Mount] {
    [
      Mount(destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"]),
      Mount(
        destination: "/dev", type: "tmpfs", source: "tmpfs",
        options: ["nosuid", "strictatime", "mode=755", "size=65536k"]),
      Mount(
        destination: "/dev/pts", type: "devpts", source: "devpts",
        options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
      Mount(
        destination: "/sys", type: "sysfs", source: "sysfs",
        options: privileged ? ["nosuid", "noexec", "nodev"] : ["nosuid", "noexec", "nodev", "ro"]),
      Mount(destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]),
      Mount(
        destination: "/dev/shm", type: "tmpfs", source: "shm",
        options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
    ]
  }

  /// Docker's masked paths.
  public static let defaultMaskedPaths = [
    "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
    "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
  ]

  /// Docker's read-only paths.
  public static let defaultReadonlyPaths = [
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
  ]

  /// The device nodes every container gets.
  public static let defaultDevices = [
    Device(path: "/dev/null", type: "c", major: 1, minor: 3),
    Device(path: "/dev/zero", type: "c", major: 1, minor: 5),
    Device(path: "/dev/full", type: "c", major: 1, minor: 7),
    Device(path: "/dev/random", type: "c", major: 1, minor: 8),
    Device(path: "/dev/urandom", type: "c", major: 1, minor: 9),
    Device(path: "/dev/tty", type: "c", major: 5, minor: 0),
  ]

  /// The device cgroup allowlist (v1 `devices.allow` lines) matching Docker's.
  public static let deviceAllowlist = [
    "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm",
    "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm",
  ]
}
