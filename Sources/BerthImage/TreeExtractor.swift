import BerthOCI
import BerthSystem
import CArchive
import CBerth

#if canImport(Glibc)
import Glibc
#endif

/// Writes `TreeEntry`s (from a `TreeWalker` or a tar stream) into a directory inside a
/// `RootedDirectory`, never outside that root.
///
/// Entry names with `..` or a leading `/` are refused. Each entry's parent directory is opened
/// with openat2(RESOLVE_IN_ROOT), so a symlink on the way (one planted in a container, say)
/// resolves inside the root; the entry itself is then made with `*at` calls and `O_NOFOLLOW`, so
/// an existing symlink in its place is replaced, not followed.
public final class TreeExtractor {
  /// Whose files the extracted ones become.
  public enum Ownership: Sendable {
    /// The owners the entries carry.
    case keep
    /// This process's (no chown).
    case caller
    /// Everything to this uid and gid.
    case fixed(uid: UInt32, gid: UInt32)
  }

  private let root: RootedDirectory
  private let directory: String
  private let ownership: Ownership
  private let noOverwriteDirNonDir: Bool
  private var directoryTimes: [(String, timespec)] = []

  /// Extracts into `directory` (a path inside root, which must exist).
  public init(root: RootedDirectory, directory: String, ownership: Ownership, noOverwriteDirNonDir: Bool = true) {
    self.root = root
    self.directory = RootedDirectory.clean(directory)
    self.ownership = ownership
    self.noOverwriteDirNonDir = noOverwriteDirNonDir
  }

  /// Writes one entry; a regular file's contents come from `read`, called until it returns 0.
  public func add(_ entry: TreeEntry, read: (UnsafeMutableRawBufferPointer) throws -> Int) throws {
    let relative = try LayerArchive.safeRelativePath(entry.name)
    if relative.isEmpty { return }  // the directory itself
    let full = directory == "/" ? "/" + relative : directory + "/" + relative
    let (parentPath, name) = RootedDirectory.split(full)
    let parent = try openParent(parentPath)
    defer { close(parent) }
    var existing = stat()
    let exists = fstatat(parent, name, &existing, AT_SYMLINK_NOFOLLOW) == 0
    let existingIsDir = exists && (existing.st_mode & S_IFMT) == S_IFDIR
    let display = "\"\(full)\""
    if entry.type == S_IFDIR && entry.hardlink == nil {
      if exists && !existingIsDir {
        if noOverwriteDirNonDir {
          throw BerthError.invalid("cannot overwrite non-directory \(display) with directory \"\(entry.name)\"")
        }
        try syscall("unlink", full) { unlinkat(parent, name, 0) }
      }
      if !existingIsDir { try syscall("mkdir", full) { mkdirat(parent, name, 0o700) } }
      let fd = try syscall("open", full) { openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
      defer { close(fd) }
      try setOwner(fd: fd, entry)
      try syscall("chmod", full) { fchmod(fd, entry.mode) }
      directoryTimes.append((full, entry.mtime))
      return
    }
    if existingIsDir {
      if noOverwriteDirNonDir {
        throw BerthError.invalid("cannot overwrite directory \(display) with non-directory \"\(entry.name)\"")
      }
      try removeTree(parent: parent, name: name, display: full)
    } else if exists {
      try syscall("unlink", full) { unlinkat(parent, name, 0) }
    }
    if let hardlink = entry.hardlink {
      let target = try LayerArchive.safeRelativePath(hardlink)
      let targetFull = directory == "/" ? "/" + target : directory + "/" + target
      let (targetParentPath, targetName) = RootedDirectory.split(targetFull)
      let targetParent = try root.open(targetParentPath, BERTH_O_PATH | O_DIRECTORY)
      defer { close(targetParent) }
      try syscall("link", "\(targetFull) -> \(full)") { linkat(targetParent, targetName, parent, name, 0) }
      return
    }
    var times = (entry.mtime, entry.mtime)
    switch entry.type {
    case S_IFREG:
      let fd = try syscall("open", full) {
        openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
      }
      defer { close(fd) }
      var buffer = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let n = try buffer.withUnsafeMutableBytes { try read($0) }
        if n <= 0 { break }
        try FileSystem.writeAll(fd, Array(buffer[0..<n]), path: full)
      }
      try setOwner(fd: fd, entry)
      try syscall("chmod", full) { fchmod(fd, entry.mode) }
      _ = withUnsafePointer(to: &times) { $0.withMemoryRebound(to: timespec.self, capacity: 2) { futimens(fd, $0) } }
      return
    case S_IFLNK:
      try syscall("symlink", full) { symlinkat(entry.linkTarget ?? "", parent, name) }
    case S_IFCHR, S_IFBLK, S_IFIFO:
      try syscall("mknod", full) { mknodat(parent, name, entry.type | entry.mode, dev_t(entry.rdev)) }
    default:
      return
    }
    if let (uid, gid) = owner(entry) {
      try syscall("lchown", full) { fchownat(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) }
    }
    _ = withUnsafePointer(to: &times) {
      $0.withMemoryRebound(to: timespec.self, capacity: 2) { utimensat(parent, name, $0, AT_SYMLINK_NOFOLLOW) }
    }
  }

  /// Writes every entry of the tar stream on fd (plain or compressed).
  public func extractTar(fd: Int32) throws {
    guard let reader = archive_read_new() else { throw BerthError.internal("archive_read_new failed") }
    defer { archive_read_free(reader) }
    archive_read_support_filter_all(reader)
    archive_read_support_format_tar(reader)
    archive_read_support_format_gnutar(reader)
    archive_read_support_format_empty(reader)
    guard archive_read_open_fd(reader, fd, 1 << 16) == ARCHIVE_OK else {
      throw BerthError.invalid("cannot read archive: \(archiveMessage(reader))")
    }
    var e: OpaquePointer?
    while true {
      let r = archive_read_next_header(reader, &e)
      if r == ARCHIVE_EOF { break }
      guard r == ARCHIVE_OK || r == ARCHIVE_WARN, let e else {
        throw BerthError.invalid("invalid tar header: \(archiveMessage(reader))")
      }
      guard let name = archive_entry_pathname(e).map({ String(cString: $0) }) else { continue }
      var entry = TreeEntry(name: name, type: mode_t(archive_entry_filetype(e)), mode: archive_entry_perm(e))
      entry.uid = UInt32(truncatingIfNeeded: archive_entry_uid(e))
      entry.gid = UInt32(truncatingIfNeeded: archive_entry_gid(e))
      entry.size = archive_entry_size(e)
      entry.mtime = timespec(tv_sec: archive_entry_mtime(e), tv_nsec: archive_entry_mtime_nsec(e))
      entry.linkTarget = archive_entry_symlink(e).map { String(cString: $0) }
      entry.hardlink = archive_entry_hardlink(e).map { String(cString: $0) }
      entry.rdev = UInt64(archive_entry_rdev(e))
      try add(entry) { buffer in
        let n = archive_read_data(reader, buffer.baseAddress, buffer.count)
        if n < 0 { throw BerthError.invalid("archive entry \(name): \(archiveMessage(reader))") }
        return n
      }
    }
  }

  /// Sets the directories' times (after their contents were written).
  public func finish() {
    for (path, time) in directoryTimes.reversed() {
      guard let fd = try? root.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) else { continue }
      var times = (time, time)
      _ = withUnsafePointer(to: &times) { $0.withMemoryRebound(to: timespec.self, capacity: 2) { futimens(fd, $0) } }
      close(fd)
    }
    directoryTimes = []
  }

  /// Opens a parent directory inside the root, making it (and its parents) when missing.
  private func openParent(_ path: String) throws -> Int32 {
    let fd = berth_open_in_root_checked(path)
    if fd >= 0 { return fd }
    if fd != -ENOENT { throw SystemError("openat2", path, errno: -fd) }
    let (grand, name) = RootedDirectory.split(path)
    let up = try openParent(grand)
    defer { close(up) }
    if mkdirat(up, name, 0o755) != 0 && errno != EEXIST { throw SystemError("mkdir", path) }
    return try root.open(path, BERTH_O_PATH | O_DIRECTORY)
  }

  private func berth_open_in_root_checked(_ path: String) -> Int32 {
    do { return try root.open(path, BERTH_O_PATH | O_DIRECTORY) } catch { return -Int32(error.errno) }
  }

  private func owner(_ entry: TreeEntry) -> (uid_t, gid_t)? {
    switch ownership {
    case .keep: return (entry.uid, entry.gid)
    case .caller: return nil
    case .fixed(let uid, let gid): return (uid, gid)
    }
  }

  private func setOwner(fd: Int32, _ entry: TreeEntry) throws {
    guard let (uid, gid) = owner(entry) else { return }
    try syscall("chown", entry.name) { fchown(fd, uid, gid) }
  }

  private func removeTree(parent: Int32, name: String, display: String) throws {
    let fd = try syscall("open", display) { openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
    defer { close(fd) }
    for child in TreeWalker.names(fd) where unlinkat(fd, child, 0) != 0 {
      guard errno == EISDIR || errno == EPERM else { throw SystemError("unlink", display + "/" + child) }
      try removeTree(parent: fd, name: child, display: display + "/" + child)
    }
    try syscall("rmdir", display) { unlinkat(parent, name, AT_REMOVEDIR) }
  }
}
