import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// File operations with crash-safe writes and errors that name the path.
public enum FileSystem {
  /// Whether something (of any type, symlinks not followed) exists at path.
  public static func exists(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0
  }

  /// Whether path is a directory (symlinks followed).
  public static func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  /// Makes path and its missing parents.
  public static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(SystemError) {
    if mkdir(path, mode) == 0 || errno == EEXIST { return }
    if errno == ENOENT {
      let parent = PathName.parent(path)
      if !parent.isEmpty && parent != path {
        try makeDirectory(parent, mode: mode)
        if mkdir(path, mode) == 0 || errno == EEXIST { return }
      }
    }
    throw SystemError("mkdir", path)
  }

  /// Reads a whole file.
  public static func read(_ path: String) throws(SystemError) -> [UInt8] {
    let fd = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
    defer { close(fd) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = try syscall("read", path) { buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
      if n == 0 { return out }
      out.append(contentsOf: buffer[0..<n])
    }
  }

  /// Writes data to path atomically: a temporary file beside it, fsync, rename, fsync of the directory.
  public static func writeAtomically(_ path: String, _ data: some Collection<UInt8>, mode: mode_t = 0o644)
    throws(SystemError)
  {
    let tmp = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let fd = try syscall("open", tmp) { open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) }
    do {
      try writeAll(fd, Array(data), path: tmp)
      try syscall("fsync", tmp) { fsync(fd) }
      close(fd)
      try syscall("rename", "\(tmp) -> \(path)") { rename(tmp, path) }
    } catch {
      close(fd)
      unlink(tmp)
      throw error
    }
    syncDirectory(of: path)
  }

  /// Writes data to path directly (not atomic), creating or truncating it.
  public static func write(_ path: String, _ data: some Collection<UInt8>, mode: mode_t = 0o644) throws(SystemError) {
    let fd = try syscall("open", path) { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) }
    defer { close(fd) }
    try writeAll(fd, Array(data), path: path)
  }

  /// Writes every byte to fd, retrying short writes.
  public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String = "") throws(SystemError) {
    var offset = 0
    while offset < bytes.count {
      let n = try syscall("write", path) {
        bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
      }
      offset += n
    }
  }

  /// fsyncs the directory holding path so a rename in it is durable.
  public static func syncDirectory(of path: String) {
    let dir = PathName.parent(path)
    let fd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
      fsync(fd)
      close(fd)
    }
  }

  /// Removes path and everything under it; missing paths are fine. Mount points under it are
  /// detached first so nothing outside is touched.
  public static func removeTree(_ path: String) throws(SystemError) {
    guard exists(path) else { return }
    for mount in Mounts.mountPoints(under: path).reversed() { _ = umount2(mount, Int32(MNT_DETACH)) }
    try removeTreeAt(AT_FDCWD, path, display: path)
  }

  private static func removeTreeAt(_ parent: Int32, _ name: String, display: String) throws(SystemError) {
    if unlinkat(parent, name, 0) == 0 || errno == ENOENT { return }
    guard errno == EISDIR || errno == EPERM else { throw SystemError("unlink", display) }
    let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else { throw SystemError("open", display) }
    guard let dir = fdopendir(fd) else {
      close(fd)
      throw SystemError("fdopendir", display)
    }
    var names: [String] = []
    while let entry = readdir(dir) {
      let child = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if child != "." && child != ".." { names.append(child) }
    }
    for child in names { try removeTreeAt(fd, child, display: display + "/" + child) }
    closedir(dir)
    if unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT { throw SystemError("rmdir", display) }
  }

  /// Removes the entries of dir whose name carries the pid of a process that is gone: the pid is
  /// the `pidField`-th of the name's `-`-separated fields (`<pid>-…`, `.tmp-<pid>-…`). Entries
  /// of live processes, names without a pid and names `matches` rejects stay.
  public static func removeEntriesOfDeadProcesses(
    in dir: String, pidField: Int, where matches: (String) -> Bool = { _ in true }
  ) {
    for name in list(dir) where matches(name) {
      let fields = name.split(separator: "-")
      guard fields.count > pidField, let pid = Int32(fields[pidField]), pid > 0 else { continue }
      if kill(pid, 0) == 0 || errno == EPERM { continue }
      try? removeTree(dir + "/" + name)
    }
  }

  /// Names in a directory (empty when it does not exist).
  public static func list(_ path: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
  }

  /// Disk usage of a tree in bytes (regular files' sizes, hard links counted once).
  public static func diskUsage(_ path: String) -> Int64 {
    var total: Int64 = 0
    var seen = Set<UInt64>()
    guard let e = FileManager.default.enumerator(atPath: path) else { return 0 }
    while let rel = e.nextObject() as? String {
      var st = stat()
      guard lstat(path + "/" + rel, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
      if st.st_nlink > 1 && !seen.insert(UInt64(st.st_ino)).inserted { continue }
      total += Int64(st.st_size)
    }
    return total
  }
}
