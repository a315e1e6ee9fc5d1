import BerthOCI
import BerthRuntime
import BerthSystem
import Foundation
import GRDB

/// What `docker update` changes; nil members stay as they are.
public struct UpdateOptions: Sendable {
  /// `--memory` in bytes.
  public var memory: Int64?
  /// `--memory-swap` in bytes (-1: unlimited).
  public var memorySwap: Int64?
  /// `--cpus` × 1e9.
  public var nanoCPUs: Int64?
  /// `--cpu-shares`.
  public var cpuShares: Int64?
  /// `--pids-limit`.
  public var pidsLimit: Int64?
  /// `--restart` (`no` clears it).
  public var restartPolicy: RestartPolicy?

  /// No change.
  public init() {}
}

extension ContainerService {
  /// `docker update`: writes the new limits to a running container's cgroup, then stores them
  /// (and the restart policy) with the container, so the next start applies them too.
  public func update(_ ref: String, _ options: UpdateOptions) throws {
    let c = try get(ref)
    var host = c.config.host
    if let policy = options.restartPolicy {
      if policy.name != "no" && host.autoRemove {
        throw BerthError.invalid(
          "Cannot update container \(c.id): Restart policy cannot be updated because AutoRemove is enabled for the container"
        )
      }
      host.restartPolicy = policy.name == "no" ? nil : policy
    }
    if let m = options.memory { host.memory = m }
    if let s = options.memorySwap { host.memorySwap = s }
    if let n = options.nanoCPUs { host.nanoCPUs = n }
    if let s = options.cpuShares { host.cpuShares = s }
    if let p = options.pidsLimit { host.pidsLimit = p }
    if host.memory > 0 && host.memorySwap > 0 && host.memorySwap < host.memory {
      throw BerthError.invalid(
        "Cannot update container \(c.id): Minimum memoryswap limit should be larger than memory limit, see usage")
    }
    let running =
      (c.state == .running || c.state == .paused) && Processes.isAlive(pid: c.pid, startTime: c.pidStart)
    if running {
      var limits = Cgroup.LimitUpdate()
      limits.memory = options.memory
      limits.memorySwap = options.memorySwap
      limits.nanoCPUs = options.nanoCPUs
      limits.cpuShares = options.cpuShares
      limits.pidsLimit = options.pidsLimit
      do {
        try Cgroup(containerID: c.id).update(limits)
      } catch let error as BerthError {
        throw error
      } catch {
        throw BerthError.internal("Cannot update container \(c.id): \(error)")
      }
    }
    var settings = c.config
    settings.host = host
    let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
    try store.write { db in
      try db.execute(sql: "UPDATE containers SET config = ? WHERE id = ?", arguments: [json, c.id])
    }
  }
}
