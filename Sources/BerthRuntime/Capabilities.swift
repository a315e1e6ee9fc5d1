import BerthOCI
import BerthSystem
import Foundation

/// Linux capabilities by name, and Docker's defaults.
public enum Capabilities {
  /// Every capability name, indexed by its number.
  public static let names: [String] = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
    "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
    "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
  ]

  /// Docker's 14 default capabilities (CapEff 0x00000000a80425fb).
  public static let dockerDefault: [String] = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
    "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE",
    "CAP_SETFCAP",
  ]

  /// The canonical name (`CAP_NET_ADMIN`) for a user's spelling (`net_admin`, `CAP_NET_ADMIN`).
  public static func canonical(_ name: String) throws -> String {
    let upper = name.uppercased()
    let full = upper.hasPrefix("CAP_") ? upper : "CAP_" + upper
    guard names.contains(full) else { throw BerthError.invalid("invalid capability: \(name)") }
    return full
  }

  /// The capability set Docker computes from `--cap-add` and `--cap-drop` (either may say ALL).
  public static func resolve(add: [String], drop: [String], privileged: Bool) throws -> [String] {
    if privileged { return names }
    let addAll = add.contains { $0.uppercased() == "ALL" }
    let dropAll = drop.contains { $0.uppercased() == "ALL" }
    var set = dropAll ? [] : (addAll ? names : dockerDefault)
    let dropped = try drop.filter { $0.uppercased() != "ALL" }.map(canonical)
    set.removeAll { dropped.contains($0) }
    for cap in try add.filter({ $0.uppercased() != "ALL" }).map(canonical) where !set.contains(cap) {
      set.append(cap)
    }
    return names.filter { set.contains($0) }
  }

  /// This process's permitted capability set (all bits when it cannot be read).
  public static func ownPermitted() -> UInt64 { ownSet("CapPrm") ?? .max }

  /// One of this process's capability sets from /proc/self/status (`CapPrm`, `CapEff`, …).
  static func ownSet(_ field: String) -> UInt64? {
    guard let bytes = try? FileSystem.read("/proc/self/status") else { return nil }
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix(field + ":") {
      return UInt64(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces), radix: 16)
    }
    return nil
  }

  /// The bit mask of a set of names; names this kernel doesn't have (above `last`) are skipped.
  public static func mask(_ caps: [String], last: Int = 40) -> UInt64 {
    var m: UInt64 = 0
    for cap in caps {
      if let i = names.firstIndex(of: cap), i <= last { m |= 1 << UInt64(i) }
    }
    return m
  }
}
