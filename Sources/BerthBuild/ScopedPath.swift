import BerthOCI
import BerthSystem

#if canImport(Glibc)
import Glibc
#endif

/// Paths inside a root filesystem (a build context, a mounted image) with symlinks resolved as
/// if `root` were `/`: an absolute link target restarts at `root` and `..` stops at it, so a
/// resolved path never leaves the root (moby's `FollowSymlinkInScope`).
public enum ScopedPath {
  /// Lexically cleans a path: `a//b/./c/../d` → `a/b/d`; returns nil when `..` climbs above the
  /// start.
  public static func clean(_ path: String) -> [Substring]? {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == ".." {
        if parts.isEmpty { return nil }
        parts.removeLast()
        continue
      }
      parts.append(part)
    }
    return parts
  }

  /// Resolves path (absolute or relative: both start at root) inside root, following symlinks
  /// in scope; the last component's symlink is followed only when `followLast`. Returns the host
  /// path (which need not exist).
  public static func resolve(_ path: String, in root: String, followLast: Bool = true) throws -> String {
    var resolved: [String] = []
    var pending = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    var links = 0
    while !pending.isEmpty {
      let part = pending.removeFirst()
      if part == "." { continue }
      if part == ".." {
        if !resolved.isEmpty { resolved.removeLast() }
        continue
      }
      let candidate = root + "/" + (resolved + [part]).joined(separator: "/")
      var st = stat()
      if lstat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK, followLast || !pending.isEmpty {
        links += 1
        if links > 255 { throw BerthError.invalid("too many levels of symbolic links: \(path)") }
        let target = try readLink(candidate)
        if target.hasPrefix("/") { resolved = [] }
        pending = target.split(separator: "/", omittingEmptySubsequences: true).map(String.init) + pending
        continue
      }
      resolved.append(part)
    }
    return resolved.isEmpty ? root : root + "/" + resolved.joined(separator: "/")
  }

  static func readLink(_ path: String) throws -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = try syscall("readlink", path) { readlink(path, &buffer, buffer.count - 1) }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
