import BerthOCI
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One container's cgroup, on cgroup v1 (one directory per controller) or v2 (one unified
/// directory). Made before the init runs, removed with the container.
public struct Cgroup: Sendable {
  /// Which hierarchy the host uses.
  public enum Version: Sendable { case v1, v2 }

  /// The hierarchy in use.
  public let version: Version
  /// The directories of this cgroup (one per v1 controller, or the single v2 directory).
  public let paths: [String]
  /// v1 controller name → path (empty on v2).
  let controllers: [String: String]

  /// v1 controllers Berth uses.
  static let v1Controllers = ["memory", "cpu", "cpuacct", "pids", "devices", "freezer", "blkio", "cpuset"]

  /// The host's cgroup version: v2 when /sys/fs/cgroup is the unified hierarchy.
  public static func hostVersion(root: String = "/sys/fs/cgroup") -> Version {
    FileSystem.exists(root + "/cgroup.controllers") ? .v2 : .v1
  }

  /// The cgroup of a container (not created yet).
  public init(containerID: String, parent: String = "berth", root: String = "/sys/fs/cgroup") {
    version = Cgroup.hostVersion(root: root)
    switch version {
    case .v2:
      controllers = [:]
      paths = ["\(root)/\(parent)/\(containerID)"]
    case .v1:
      var c: [String: String] = [:]
      for name in Cgroup.v1Controllers where FileSystem.isDirectory("\(root)/\(name)") {
        c[name] = "\(root)/\(name)/\(parent)/\(containerID)"
      }
      controllers = c
      paths = c.keys.sorted().compactMap { c[$0] }
    }
  }

  /// Makes the directories and applies the limits.
  public func create(_ resources: RuntimeSpec.Resources, privileged: Bool) throws {
    switch version {
    case .v2:
      let path = paths[0]
      let parent = PathName.parent(path)
      try FileSystem.makeDirectory(parent)
      enableControllers(in: PathName.parent(parent))
      enableControllers(in: parent)
      try FileSystem.makeDirectory(path)
      if !privileged {
        try Cgroup.attachDeviceFilter(path, rules: RuntimeSpec.deviceAllowlist + (resources.deviceRules ?? []))
      }
      if let m = resources.memory {
        try write(path, "memory.max", "\(m)")
        if let swap = resources.memorySwap, swap >= 0 { try write(path, "memory.swap.max", "\(max(swap - m, 0))") }
      }
      if let n = resources.nanoCPUs { try write(path, "cpu.max", "\(n / 10_000) 100000") }
      if let p = resources.pidsLimit, p > 0 { try write(path, "pids.max", "\(p)") }
      if let cpus = resources.cpusetCpus { try write(path, "cpuset.cpus", cpus) }
      if let mems = resources.cpusetMems { try write(path, "cpuset.mems", mems) }
    case .v1:
      for (name, path) in controllers {
        let parent = PathName.parent(path)
        if name == "cpuset" { try initCpuset(parent) }
        try FileSystem.makeDirectory(path)
        if name == "cpuset" { try initCpuset(path) }
      }
      if let path = controllers["memory"], let m = resources.memory {
        try write(path, "memory.limit_in_bytes", "\(m)")
        if FileSystem.exists(path + "/memory.memsw.limit_in_bytes") {
          let swap = resources.memorySwap ?? m * 2
          try write(path, "memory.memsw.limit_in_bytes", "\(swap < 0 ? -1 : swap)")
        }
      }
      if let path = controllers["cpu"], let n = resources.nanoCPUs {
        try write(path, "cpu.cfs_period_us", "100000")
        try write(path, "cpu.cfs_quota_us", "\(n / 10_000)")
      }
      if let path = controllers["cpu"], let s = resources.cpuShares { try write(path, "cpu.shares", "\(s)") }
      if let path = controllers["pids"], let p = resources.pidsLimit, p > 0 { try write(path, "pids.max", "\(p)") }
      if let path = controllers["cpuset"], let cpus = resources.cpusetCpus { try write(path, "cpuset.cpus", cpus) }
      if let path = controllers["cpuset"], let mems = resources.cpusetMems { try write(path, "cpuset.mems", mems) }
      if let path = controllers["memory"], let s = resources.memorySwappiness {
        try write(path, "memory.swappiness", "\(s)")
      }
      if let path = controllers["devices"], !privileged {
        try write(path, "devices.deny", "a")
        for rule in RuntimeSpec.deviceAllowlist + (resources.deviceRules ?? []) {
          try write(path, "devices.allow", rule)
        }
      }
    }
  }

  /// Freezes (pause) or thaws (unpause) every process of the cgroup; returns once the kernel
  /// reports the new state.
  public func setFrozen(_ frozen: Bool) throws {
    switch version {
    case .v2:
      try write(paths[0], "cgroup.freeze", frozen ? "1" : "0")
      for _ in 0..<500 {
        let events = (try? FileSystem.read(paths[0] + "/cgroup.events")) ?? []
        if String(decoding: events, as: UTF8.self).contains("frozen \(frozen ? 1 : 0)") { return }
        usleep(2000)
      }
    case .v1:
      guard let path = controllers["freezer"] else {
        throw BerthError(.unavailable, "the freezer cgroup controller is not available")
      }
      let want = frozen ? "FROZEN" : "THAWED"
      for _ in 0..<500 {
        try write(path, "freezer.state", want)
        let state = (try? FileSystem.read(path + "/freezer.state")) ?? []
        if String(decoding: state, as: UTF8.self).hasPrefix(want) { return }
        usleep(2000)
      }
    }
  }

  /// Moves a process into the cgroup.
  public func add(pid: Int32) throws {
    for path in paths { try write(path, "cgroup.procs", "\(pid)") }
  }

  /// Whether the kernel's OOM killer killed a process of this cgroup.
  public func oomKilled() -> Bool {
    let file =
      version == .v2
      ? paths.first.map { $0 + "/memory.events" } : controllers["memory"].map { $0 + "/memory.oom_control" }
    guard let file, let bytes = try? FileSystem.read(file) else { return false }
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
      let parts = line.split(separator: " ")
      if parts.count == 2 && parts[0] == "oom_kill" { return (Int(parts[1]) ?? 0) > 0 }
    }
    return false
  }

  /// Pids in the cgroup.
  public func pids() -> [Int32] {
    guard let path = version == .v2 ? paths.first : (controllers["pids"] ?? paths.first),
      let bytes = try? FileSystem.read(path + "/cgroup.procs")
    else { return [] }
    return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }
  }

  /// Kills what is left in the cgroup and removes its directories. Missing ones are fine.
  public func remove() {
    for pid in pids() { kill(pid, SIGKILL) }
    for path in paths {
      for _ in 0..<50 {
        if rmdir(path) == 0 || errno == ENOENT { break }
        if errno != EBUSY { break }
        usleep(2000)
      }
    }
  }

  private func write(_ dir: String, _ file: String, _ value: String) throws {
    let path = dir + "/" + file
    let fd = open(path, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { throw BerthError.internal("cgroup: open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    let bytes = Array(value.utf8)
    if Glibc.write(fd, bytes, bytes.count) < 0 {
      throw BerthError.internal("cgroup: write \(value) to \(path): \(String(cString: strerror(errno)))")
    }
  }

  private func enableControllers(in dir: String) {
    guard let bytes = try? FileSystem.read(dir + "/cgroup.controllers") else { return }
    for c in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
    where ["memory", "cpu", "pids", "io"].contains(String(c)) {
      try? write(dir, "cgroup.subtree_control", "+\(c)")
    }
  }

  /// A v1 cpuset cgroup needs cpus and mems before a task can join: copy them from the parent.
  private func initCpuset(_ path: String) throws {
    try FileSystem.makeDirectory(path)
    let parent = PathName.parent(path)
    for file in ["cpuset.cpus", "cpuset.mems"] {
      let mine = (try? FileSystem.read(path + "/" + file)) ?? []
      if String(decoding: mine, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
        let value = try? FileSystem.read(parent + "/" + file)
      {
        try write(path, file, String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
      }
    }
  }
}
