import BerthOCI
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// rlimit names (Docker's `--ulimit nofile=…` and the OCI spec's `RLIMIT_NOFILE`).
public enum Rlimits {
  static let table: [String: Int32] = [
    "RLIMIT_CPU": 0, "RLIMIT_FSIZE": 1, "RLIMIT_DATA": 2, "RLIMIT_STACK": 3, "RLIMIT_CORE": 4, "RLIMIT_RSS": 5,
    "RLIMIT_NPROC": 6, "RLIMIT_NOFILE": 7, "RLIMIT_MEMLOCK": 8, "RLIMIT_AS": 9, "RLIMIT_LOCKS": 10,
    "RLIMIT_SIGPENDING": 11, "RLIMIT_MSGQUEUE": 12, "RLIMIT_NICE": 13, "RLIMIT_RTPRIO": 14, "RLIMIT_RTTIME": 15,
  ]

  /// The resource number of `RLIMIT_NOFILE` or `nofile`.
  public static func resource(named name: String) throws -> Int32 {
    let key = name.uppercased().hasPrefix("RLIMIT_") ? name.uppercased() : "RLIMIT_" + name.uppercased()
    guard let r = table[key] else { throw BerthError.invalid("invalid ulimit type: \(name)") }
    return r
  }

  /// Parses Docker's `--ulimit name=soft[:hard]`. A hard limit above this process's own cannot be
  /// set without CAP_SYS_RESOURCE, which this host may lack: that is refused here, clearly,
  /// instead of failing inside the container.
  public static func parse(_ value: String) throws -> RuntimeSpec.Rlimit {
    let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { throw BerthError.invalid("invalid ulimit argument: \(value)") }
    let resource = try resource(named: parts[0])
    let limits = parts[1].split(separator: ":").map { Int64($0) }
    guard limits.count == 1 || limits.count == 2, let soft = limits[0], let hard = limits.last!,
      soft >= -1, hard >= -1
    else { throw BerthError.invalid("invalid ulimit argument: \(value)") }
    func limit(_ v: Int64) -> UInt64 { v == -1 ? UInt64.max : UInt64(v) }
    if limit(soft) > limit(hard) {
      throw BerthError.invalid("ulimit soft limit must be less than or equal to hard limit: \(soft) > \(hard)")
    }
    var current = rlimit()
    getrlimit(__rlimit_resource_t(UInt32(resource)), &current)
    if limit(hard) > UInt64(current.rlim_max) && !hasCapability(24) {
      throw BerthError.invalid(
        "ulimit \(parts[0]): hard limit \(hard) is above the host's \(current.rlim_max) and this host lacks CAP_SYS_RESOURCE to raise it"
      )
    }
    return RuntimeSpec.Rlimit(type: "RLIMIT_" + parts[0].uppercased(), hard: limit(hard), soft: limit(soft))
  }

  /// The highest capability number the kernel knows.
  public static func capLast() -> Int {
    guard let bytes = try? FileSystem.read("/proc/sys/kernel/cap_last_cap") else { return 40 }
    return Int(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 40
  }

  /// Whether this process has capability number cap in its effective set.
  static func hasCapability(_ cap: Int) -> Bool {
    (Capabilities.ownSet("CapEff") ?? 0) & (1 << UInt64(cap)) != 0
  }
}
