import BerthOCI
import BerthSystem
import CBerth

#if canImport(Glibc)
import Glibc
#endif

/// A directory used as a root: every path is resolved inside it with openat2(RESOLVE_IN_ROOT),
/// so symlinks (absolute or relative) and `..` can never lead outside. A container's filesystem
/// is reached this way by `cp`, `export` and `diff`, whatever its symlinks point at.
public final class RootedDirectory: @unchecked Sendable {
  /// An `BERTH_O_PATH` descriptor of the root directory, owned by this object.
  public let fd: Int32
  /// What the root is, for error messages.
  public let display: String

  /// Takes ownership of fd, a descriptor of a directory.
  public init(adopting fd: Int32, display: String) {
    self.fd = fd
    self.display = display
  }

  /// Opens the directory at a host path (following symlinks on the host) as a root.
  public convenience init(path: String) throws(SystemError) {
    let fd = try syscall("open", path) { Glibc.open(path, BERTH_O_PATH | O_DIRECTORY | O_CLOEXEC) }
    self.init(adopting: fd, display: path)
  }

  deinit { close(fd) }

  /// Opens path inside the root (symlinks followed, inside the root).
  public func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(SystemError) -> Int32 {
    let r = berth_open_in_root(fd, path, flags, UInt32(mode))
    if r < 0 { throw SystemError("openat2", Self.join(display, path), errno: -r) }
    return r
  }

  /// The status of path: its last component not followed unless `followLast`, the directories
  /// before it followed inside the root. Nil when it does not exist.
  public func status(_ path: String, followLast: Bool) throws(SystemError) -> stat? {
    let clean = Self.clean(path)
    let (parent, name) = Self.split(clean)
    var st = stat()
    if followLast || name.isEmpty {
      let r = berth_open_in_root(fd, clean, BERTH_O_PATH, 0)
      if r == -ENOENT || r == -ENOTDIR { return nil }
      if r < 0 { throw SystemError("openat2", Self.join(display, clean), errno: -r) }
      defer { close(r) }
      try syscall("fstat", Self.join(display, clean)) { fstat(r, &st) }
      return st
    }
    let p = berth_open_in_root(fd, parent, BERTH_O_PATH | O_DIRECTORY, 0)
    if p == -ENOENT || p == -ENOTDIR { return nil }
    if p < 0 { throw SystemError("openat2", Self.join(display, parent), errno: -p) }
    defer { close(p) }
    if fstatat(p, name, &st, AT_SYMLINK_NOFOLLOW) != 0 {
      if errno == ENOENT || errno == ENOTDIR { return nil }
      throw SystemError("lstat", Self.join(display, clean))
    }
    return st
  }

  /// Reads the target of the symlink at path (its directories followed inside the root).
  public func readLink(_ path: String) throws(SystemError) -> String {
    let (parent, name) = Self.split(Self.clean(path))
    let p = try open(parent, BERTH_O_PATH | O_DIRECTORY)
    defer { close(p) }
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = try syscall("readlink", Self.join(display, path)) { readlinkat(p, name, &buffer, buffer.count - 1) }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// A path made absolute and lexically clean (`.`, `..` and repeated slashes resolved, as Go's
  /// `filepath.Clean`; `..` stops at the root). Trailing slashes are dropped.
  public static func clean(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == ".." {
        if !parts.isEmpty { parts.removeLast() }
        continue
      }
      parts.append(part)
    }
    return "/" + parts.joined(separator: "/")
  }

  /// Splits a clean absolute path into its parent and last component ("/" → ("/", "")).
  public static func split(_ clean: String) -> (parent: String, name: String) {
    if clean == "/" { return ("/", "") }
    return (PathName.parent(clean), PathName.base(clean))
  }

  static func join(_ root: String, _ path: String) -> String {
    root.hasSuffix("/") || path.hasPrefix("/") ? root + path : root + "/" + path
  }
}
