#if canImport(Glibc)
import Glibc
#endif

/// One filesystem operation the container's init performs (mirrors `struct berth_op`).
public struct SetupOp: Sendable, Equatable {
  /// What the operation does; raw values match `enum berth_op_kind`.
  public enum Kind: Int32, Sendable {
    case mount = 1, bindFile, mknod, symlink, mask, readonly, remountReadonly
  }
  public var kind: Kind
  public var source = ""
  public var target: String
  public var fstype = ""
  public var data = ""
  public var flags: UInt = 0
  public var mode: UInt32 = 0
  public var dev: UInt64 = 0
  /// Propagation set on a new mount (`MS_SHARED`, `MS_SLAVE`, … with `MS_REC`), 0 to leave it.
  public var propagation: UInt = 0

  /// Makes an operation.
  public init(
    _ kind: Kind, source: String = "", target: String, fstype: String = "", data: String = "",
    flags: UInt = 0, mode: UInt32 = 0, dev: UInt64 = 0, propagation: UInt = 0
  ) {
    self.kind = kind
    self.source = source
    self.target = target
    self.fstype = fstype
    self.data = data
    self.flags = flags
    self.mode = mode
    self.dev = dev
    self.propagation = propagation
  }
}

/// Turns a spec's mounts, devices, masked and read-only paths into the init's operations.
public enum SetupPlan {
  /// The operations for spec, in the order the init runs them. `isFile` tells whether a bind
  /// source is a file (injected for tests).
  public static func operations(
    for spec: RuntimeSpec, isFile: (String) -> Bool = SetupPlan.hostPathIsFile
  ) -> [SetupOp] {
    var ops: [SetupOp] = []
    for m in spec.mounts {
      let (flags, data) = mountFlags(m.options)
      let propagation = propagationFlags(m.options)
      if m.type == "bind" || flags & UInt(MS_BIND) != 0 {
        let kind: SetupOp.Kind = isFile(m.source) ? .bindFile : .mount
        ops.append(
          SetupOp(
            kind, source: m.source, target: m.destination, flags: flags | UInt(MS_BIND), propagation: propagation))
      } else {
        ops.append(
          SetupOp(
            .mount, source: m.source, target: m.destination, fstype: m.type, data: data, flags: flags,
            propagation: propagation))
      }
      if m.destination == "/dev" {
        for d in spec.linux.devices {
          let type = d.type == "b" ? S_IFBLK : S_IFCHR
          ops.append(
            SetupOp(
              .mknod, target: d.path, mode: UInt32(type) | d.fileMode,
              dev: deviceNumber(major: d.major, minor: d.minor)))
        }
        let links = [
          ("/proc/self/fd", "/dev/fd"), ("/proc/self/fd/0", "/dev/stdin"), ("/proc/self/fd/1", "/dev/stdout"),
          ("/proc/self/fd/2", "/dev/stderr"), ("pts/ptmx", "/dev/ptmx"), ("/proc/kcore", "/dev/core"),
        ]
        for (source, target) in links { ops.append(SetupOp(.symlink, source: source, target: target)) }
      }
    }
    for path in spec.linux.maskedPaths { ops.append(SetupOp(.mask, target: path)) }
    for path in spec.linux.readonlyPaths {
      ops.append(SetupOp(.readonly, target: path, flags: UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC)))
    }
    return ops
  }

  /// The kernel's dev_t encoding of major:minor (glibc's makedev).
  public static func deviceNumber(major: Int64, minor: Int64) -> UInt64 {
    let ma = UInt64(major), mi = UInt64(minor)
    return ((ma & 0xfffff000) << 32) | ((ma & 0xfff) << 8) | ((mi & 0xffffff00) << 12) | (mi & 0xff)
  }

  /// Whether a host path is a regular file (or a character device such as a pty).
  public static func hostPathIsFile(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFDIR
  }

  /// The propagation flags of mount options. `private`/`rprivate` give 0: the init makes the
  /// whole tree rprivate before it mounts anything, so they cost no syscall.
  public static func propagationFlags(_ options: [String]) -> UInt {
    let table: [String: UInt] = [
      "shared": UInt(MS_SHARED), "rshared": UInt(MS_SHARED | MS_REC), "slave": UInt(MS_SLAVE),
      "rslave": UInt(MS_SLAVE | MS_REC),
    ]
    return options.reduce(0) { $0 | (table[$1] ?? 0) }
  }

  /// Mount flags and the remaining data string for mount options.
  public static func mountFlags(_ options: [String]) -> (UInt, String) {
    let table: [String: UInt] = [
      "ro": UInt(MS_RDONLY), "nosuid": UInt(MS_NOSUID), "nodev": UInt(MS_NODEV), "noexec": UInt(MS_NOEXEC),
      "bind": UInt(MS_BIND), "rbind": UInt(MS_BIND | MS_REC), "strictatime": UInt(MS_STRICTATIME),
      "relatime": UInt(MS_RELATIME), "noatime": UInt(MS_NOATIME), "sync": UInt(MS_SYNCHRONOUS),
    ]
    let ignored: Set<String> = [
      "rw", "private", "rprivate", "slave", "rslave", "shared", "rshared", "suid", "dev", "exec",
    ]
    var flags: UInt = 0
    var data: [String] = []
    for o in options {
      if let f = table[o] {
        flags |= f
      } else if !ignored.contains(o) {
        data.append(o)
      }
    }
    return (flags, data.joined(separator: ","))
  }
}
