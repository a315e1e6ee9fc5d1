import BerthOCI
import BerthRuntime
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One sample of a container's resource usage, from its cgroup (v1 or v2) and network namespace.
public struct ContainerStats: Sendable {
  /// The container's id.
  public var id: String
  /// Its name.
  public var name: String
  /// CPU time used by the container, in nanoseconds.
  public var cpuUsage: UInt64 = 0
  /// CPU time of the whole host (every field of /proc/stat's `cpu` line), in nanoseconds.
  public var systemUsage: UInt64 = 0
  /// CPUs the host has online.
  public var onlineCPUs = 1
  /// Memory in use minus inactive file cache, as Docker's CLI shows it.
  public var memoryUsage: UInt64 = 0
  /// The memory limit (the host's memory when unlimited).
  public var memoryLimit: UInt64 = 0
  /// Bytes received and sent on the container's interfaces (loopback excluded).
  public var networkReceived: UInt64 = 0
  public var networkSent: UInt64 = 0
  /// Bytes read from and written to block devices.
  public var blockRead: UInt64 = 0
  public var blockWritten: UInt64 = 0
  /// Number of processes.
  public var pids: UInt64 = 0

  /// CPU % between an earlier sample and this one, as Docker computes it.
  public func cpuPercent(since previous: ContainerStats?) -> Double {
    guard let previous, cpuUsage >= previous.cpuUsage, systemUsage > previous.systemUsage else { return 0 }
    let cpu = Double(cpuUsage - previous.cpuUsage)
    let system = Double(systemUsage - previous.systemUsage)
    return cpu / system * Double(onlineCPUs) * 100
  }

  /// Memory %.
  public var memoryPercent: Double { memoryLimit == 0 ? 0 : Double(memoryUsage) / Double(memoryLimit) * 100 }
}

extension ContainerService {
  /// A sample of a container's usage; zeros for a container that is not running.
  public func stats(_ ref: String) throws -> ContainerStats {
    let c = try get(ref)
    var s = ContainerStats(id: c.id, name: c.name)
    guard c.state == .running || c.state == .paused, Processes.isAlive(pid: c.pid, startTime: c.pidStart) else {
      return s
    }
    let cgroup = Cgroup(containerID: c.id)
    let host = Self.hostCPU()
    s.systemUsage = host.total
    s.onlineCPUs = host.cpus
    let hostMemory = Self.hostMemory()
    func value(_ controller: String, _ file: String) -> String? {
      cgroup.directory(controller).flatMap { Cgroup.readValue($0 + "/" + file) }
    }
    func keyed(_ controller: String, _ file: String) -> [String: UInt64] {
      var result: [String: UInt64] = [:]
      for line in (value(controller, file) ?? "").split(separator: "\n") {
        let parts = line.split(separator: " ")
        if parts.count == 2, let n = UInt64(parts[1]) { result[String(parts[0])] = n }
      }
      return result
    }
    switch cgroup.version {
    case .v1:
      s.cpuUsage = UInt64(value("cpuacct", "cpuacct.usage") ?? "") ?? 0
      let usage = UInt64(value("memory", "memory.usage_in_bytes") ?? "") ?? 0
      let inactive = keyed("memory", "memory.stat")["total_inactive_file"] ?? 0
      s.memoryUsage = inactive < usage ? usage - inactive : usage
      s.memoryLimit = min(UInt64(value("memory", "memory.limit_in_bytes") ?? "") ?? UInt64.max, hostMemory)
      let io =
        value("blkio", "blkio.throttle.io_service_bytes_recursive") ?? value("blkio", "blkio.throttle.io_service_bytes")
      for line in (io ?? "").split(separator: "\n") {
        let parts = line.split(separator: " ")
        guard parts.count == 3, let n = UInt64(parts[2]) else { continue }
        if parts[1].lowercased() == "read" { s.blockRead += n }
        if parts[1].lowercased() == "write" { s.blockWritten += n }
      }
      s.pids = UInt64(value("pids", "pids.current") ?? "") ?? UInt64(cgroup.pids().count)
    case .v2:
      s.cpuUsage = (keyed("cpu", "cpu.stat")["usage_usec"] ?? 0) * 1000
      let usage = UInt64(value("memory", "memory.current") ?? "") ?? 0
      let inactive = keyed("memory", "memory.stat")["inactive_file"] ?? 0
      s.memoryUsage = inactive < usage ? usage - inactive : usage
      s.memoryLimit = min(UInt64(value("memory", "memory.max") ?? "") ?? UInt64.max, hostMemory)
      for line in (value("io", "io.stat") ?? "").split(separator: "\n") {
        for field in line.split(separator: " ").dropFirst() {
          let kv = field.split(separator: "=")
          guard kv.count == 2, let n = UInt64(kv[1]) else { continue }
          if kv[0] == "rbytes" { s.blockRead += n }
          if kv[0] == "wbytes" { s.blockWritten += n }
        }
      }
      s.pids = UInt64(value("pids", "pids.current") ?? "") ?? UInt64(cgroup.pids().count)
    }
    let net = Cgroup.readValue("/proc/\(c.pid)/net/dev") ?? ""
    for line in net.split(separator: "\n").dropFirst(2) {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let interface = line[..<colon].trimmingCharacters(in: .whitespaces)
      let fields = line[line.index(after: colon)...].split(separator: " ").compactMap { UInt64($0) }
      guard interface != "lo", fields.count >= 9 else { continue }
      s.networkReceived += fields[0]
      s.networkSent += fields[8]
    }
    return s
  }

  /// The host's CPU time (nanoseconds, every field of the `cpu` line) and online CPUs.
  static func hostCPU() -> (total: UInt64, cpus: Int) {
    let text = Cgroup.readValue("/proc/stat") ?? ""
    var total: UInt64 = 0
    var cpus = 0
    for line in text.split(separator: "\n") {
      if line.hasPrefix("cpu ") {
        total = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }.reduce(0, +)
      } else if line.hasPrefix("cpu") {
        cpus += 1
      }
    }
    let ticks = UInt64(max(sysconf(Int32(_SC_CLK_TCK)), 1))
    return (total * 1_000_000_000 / ticks, max(cpus, 1))
  }

  /// MemTotal of /proc/meminfo in bytes.
  static func hostMemory() -> UInt64 {
    for line in (Cgroup.readValue("/proc/meminfo") ?? "").split(separator: "\n") where line.hasPrefix("MemTotal:") {
      let kb = line.split(separator: " ").dropFirst().first.flatMap { UInt64($0) } ?? 0
      return kb * 1024
    }
    return UInt64.max
  }
}
