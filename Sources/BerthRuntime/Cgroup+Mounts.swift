extension Cgroup {
  /// The mounts that show a container its own cgroup at /sys/fs/cgroup, as Docker does, so that
  /// runtimes which size themselves from their limits (the JVM, Go's GOMAXPROCS helpers) find them.
  /// On v1 a tmpfs holding a bind of each controller's directory (in the host's cgroup namespace,
  /// Docker's default there); on v2 the unified directory itself. Read-only unless privileged; the
  /// v1 tmpfs is made read-only by listing /sys/fs/cgroup among the spec's read-only paths.
  public func mounts(privileged: Bool) -> [RuntimeSpec.Mount] {
    let options = ["rbind", "nosuid", "noexec", "nodev"] + (privileged ? [] : ["ro"])
    switch version {
    case .v2:
      return [.init(destination: "/sys/fs/cgroup", type: "bind", source: paths[0], options: options)]
    case .v1:
      let tmpfs = RuntimeSpec.Mount(
        destination: "/sys/fs/cgroup", type: "tmpfs", source: "tmpfs",
        options: ["nosuid", "noexec", "nodev", "mode=755"])
      return [tmpfs]
        + controllers.keys.sorted().map {
          .init(destination: "/sys/fs/cgroup/" + $0, type: "bind", source: controllers[$0]!, options: options)
        }
    }
  }
}
