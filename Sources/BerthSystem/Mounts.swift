import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The host's mount table.
public enum Mounts {
  /// Mount points at or below path, in the order of /proc/self/mountinfo (parents first).
  public static func mountPoints(under path: String) -> [String] {
    guard let bytes = try? FileSystem.read("/proc/self/mountinfo") else { return [] }
    let prefix = path.hasSuffix("/") ? path : path + "/"
    var result: [String] = []
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard fields.count > 4 else { continue }
      let point = unescape(String(fields[4]))
      if point == path || point.hasPrefix(prefix) { result.append(point) }
    }
    return result
  }

  /// Detaches the mount at path (lazy unmount); not mounted is fine.
  public static func unmount(_ path: String) throws(SystemError) {
    if umount2(path, Int32(MNT_DETACH)) != 0 && errno != EINVAL && errno != ENOENT {
      throw SystemError("umount", path)
    }
  }

  /// Undoes mountinfo's octal escapes (`\040` for a space).
  static func unescape(_ s: String) -> String {
    guard s.contains("\\") else { return s }
    var out: [UInt8] = []
    let b = Array(s.utf8)
    var i = 0
    while i < b.count {
      if b[i] == UInt8(ascii: "\\"), i + 3 < b.count,
        let v = UInt8(String(decoding: b[(i + 1)...(i + 3)], as: UTF8.self), radix: 8)
      {
        out.append(v)
        i += 4
      } else {
        out.append(b[i])
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
