import BerthOCI
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Changing the limits of a live cgroup (`docker update`) and reading its usage (`docker stats`).
extension Cgroup {
  /// New limits for a cgroup; nil members stay as they are.
  public struct LimitUpdate: Sendable {
    /// Memory limit in bytes (0: unlimited).
    public var memory: Int64?
    /// Memory plus swap in bytes (-1: unlimited).
    public var memorySwap: Int64?
    /// CPUs × 1e9 (0: unlimited).
    public var nanoCPUs: Int64?
    /// CPU shares (v1 `cpu.shares`; v2 converted to `cpu.weight`).
    public var cpuShares: Int64?
    /// Maximum number of processes (0 or less: unlimited).
    public var pidsLimit: Int64?

    /// No change.
    public init() {}
  }

  /// The directory of a v1 controller (`memory`, `cpu`, …), or the v2 directory.
  public func directory(_ controller: String) -> String? {
    if version == .v2 { return paths.first }
    return paths.first { $0.split(separator: "/").dropLast(2).last.map(String.init) == controller }
  }

  /// Writes the new limits. On v1 a memory limit above the current memory+swap limit fails with
  /// Docker's message unless the swap limit is raised with it.
  public func update(_ limits: LimitUpdate) throws {
    switch version {
    case .v2:
      guard let dir = paths.first else { return }
      if let m = limits.memory { try set(dir, "memory.max", m > 0 ? "\(m)" : "max") }
      if let s = limits.memorySwap, FileSystem.exists(dir + "/memory.swap.max") {
        let m = limits.memory ?? 0
        try set(dir, "memory.swap.max", s < 0 ? "max" : "\(max(s - m, 0))")
      }
      if let n = limits.nanoCPUs { try set(dir, "cpu.max", n > 0 ? "\(n / 10_000) 100000" : "max 100000") }
      if let shares = limits.cpuShares, shares > 0 {
        try set(dir, "cpu.weight", "\(1 + ((max(shares, 2) - 2) * 9999) / 262142)")
      }
      if let p = limits.pidsLimit { try set(dir, "pids.max", p > 0 ? "\(p)" : "max") }
    case .v1:
      if let dir = directory("memory") {
        let swapFile = dir + "/memory.memsw.limit_in_bytes"
        let hasSwap = FileSystem.exists(swapFile)
        let memory = limits.memory.map { $0 > 0 ? "\($0)" : "-1" }
        let swap = limits.memorySwap.map { $0 > 0 ? "\($0)" : "-1" }
        // memory ≤ memory+swap at every step: raise the swap limit first, lower it last.
        let currentSwap = Int64(Self.readValue(swapFile) ?? "") ?? Int64.max
        let newSwap = limits.memorySwap.map { $0 > 0 ? $0 : Int64.max } ?? currentSwap
        if let swap, hasSwap, newSwap >= currentSwap { try set(dir, "memory.memsw.limit_in_bytes", swap) }
        if let memory {
          do { try set(dir, "memory.limit_in_bytes", memory) } catch {
            throw BerthError.invalid(
              "Cannot update container: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time"
            )
          }
        }
        if let swap, hasSwap, newSwap < currentSwap { try set(dir, "memory.memsw.limit_in_bytes", swap) }
      }
      if let dir = directory("cpu") {
        if let n = limits.nanoCPUs {
          try set(dir, "cpu.cfs_period_us", "100000")
          try set(dir, "cpu.cfs_quota_us", n > 0 ? "\(n / 10_000)" : "-1")
        }
        if let s = limits.cpuShares, s > 0 { try set(dir, "cpu.shares", "\(s)") }
      }
      if let dir = directory("pids"), let p = limits.pidsLimit { try set(dir, "pids.max", p > 0 ? "\(p)" : "max") }
    }
  }

  /// The trimmed contents of a small file, nil when unreadable.
  public static func readValue(_ path: String) -> String? {
    guard let bytes = try? FileSystem.read(path) else { return nil }
    return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  private func set(_ dir: String, _ file: String, _ value: String) throws {
    let path = dir + "/" + file
    let fd = try syscall("open", path) { open(path, O_WRONLY | O_CLOEXEC) }
    defer { close(fd) }
    let bytes = Array(value.utf8)
    try syscall("write", "\(value) -> \(path)") { Glibc.write(fd, bytes, bytes.count) }
  }
}
