import BerthOCI
import BerthSystem
import CBerth

#if canImport(Glibc)
import Glibc
#endif

/// One file of a tree being copied: what a tar header carries.
public struct TreeEntry: Sendable {
  /// The path inside the copy, `a/b` (no leading or trailing slash; `.` for a root copied as
  /// its contents).
  public var name: String
  /// File type (`S_IFREG`, `S_IFDIR`, …).
  public var type: mode_t
  /// Permission bits (07777).
  public var mode: mode_t
  /// Owner.
  public var uid: UInt32
  /// Group.
  public var gid: UInt32
  /// Size of a regular file's contents.
  public var size: Int64
  /// Modification time.
  public var mtime: timespec
  /// A symlink's target.
  public var linkTarget: String?
  /// For a hard link: the name of the entry it links to, written before it.
  public var hardlink: String?
  /// A device's number.
  public var rdev: UInt64

  /// An entry with the given name and type; everything else zero.
  public init(name: String, type: mode_t, mode: mode_t = 0o644) {
    self.name = name
    self.type = type
    self.mode = mode
    uid = 0
    gid = 0
    size = 0
    mtime = timespec()
    rdev = 0
  }

  init(name: String, status st: stat) {
    self.init(name: name, type: st.st_mode & S_IFMT, mode: st.st_mode & 0o7777)
    uid = st.st_uid
    gid = st.st_gid
    size = type == S_IFREG ? Int64(st.st_size) : 0
    mtime = st.st_mtim
    rdev = UInt64(st.st_rdev)
  }
}

/// Walks a tree through file descriptors only: every child is opened relative to its parent with
/// `O_NOFOLLOW`, so a symlink in the tree is copied as a symlink and never followed, and nothing
/// outside the tree is read. The contents of pseudo filesystems mounted in it (proc, sysfs,
/// cgroup, devpts, mqueue) are skipped, as a container's `/proc` is not part of its filesystem.
public struct TreeWalker {
  /// Receives each entry, parents before children; a regular file comes with a descriptor open
  /// for reading its contents.
  public typealias Visitor = (TreeEntry, Int32?) throws -> Void

  private var links: [UInt64: String] = [:]
  private var device: UInt64 = 0

  /// A walker.
  public init() {}

  /// Walks the file or tree that fd (an `BERTH_O_PATH` descriptor) is open on, naming it `rootName`
  /// (a path, or `.` to name its contents without a prefix) in the entries.
  public mutating func walk(fd: Int32, as rootName: String, _ visit: Visitor) throws {
    try visitOpened(fd, name: rootName, display: rootName, visit)
  }

  private mutating func visitOpened(_ fd: Int32, name: String, display: String, _ visit: Visitor) throws {
    var st = stat()
    try syscall("fstat", display) { fstat(fd, &st) }
    var entry = TreeEntry(name: name, status: st)
    switch st.st_mode & S_IFMT {
    case S_IFSOCK:
      return  // tar cannot carry sockets
    case S_IFLNK:
      var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      let n = try syscall("readlink", display) { readlinkat(fd, "", &buffer, buffer.count - 1) }
      entry.linkTarget = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      try visit(entry, nil)
    case S_IFREG:
      let key = UInt64(st.st_dev) << 40 ^ UInt64(st.st_ino)
      if st.st_nlink > 1 {
        if let first = links[key] {
          entry.hardlink = first
          entry.size = 0
          try visit(entry, nil)
          return
        }
        links[key] = name
      }
      let file = try syscall("open", display) { open("/proc/self/fd/\(fd)", O_RDONLY | O_CLOEXEC) }
      defer { close(file) }
      try visit(entry, file)
    case S_IFDIR:
      try visit(entry, nil)
      if device == 0 { device = UInt64(st.st_dev) }
      if UInt64(st.st_dev) != device && Self.isPseudoFilesystem(fd) { return }
      let dir = try syscall("open", display) { open("/proc/self/fd/\(fd)", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
      defer { close(dir) }
      for child in Self.names(dir) {
        let childFD = openat(dir, child, BERTH_O_PATH | O_NOFOLLOW | O_CLOEXEC)
        if childFD < 0 && errno == ENOENT { continue }  // removed meanwhile
        if childFD < 0 { throw SystemError("open", display + "/" + child) }
        defer { close(childFD) }
        let childName = name == "." ? child : name + "/" + child
        try visitOpened(childFD, name: childName, display: display + "/" + child, visit)
      }
    default:
      try visit(entry, nil)
    }
  }

  /// Names in a directory (not `.`/`..`), sorted byte-wise; fd stays open.
  static func names(_ fd: Int32) -> [String] {
    let copy = dup(fd)
    guard copy >= 0, let dir = fdopendir(copy) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let child = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if child != "." && child != ".." { names.append(child) }
    }
    return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
  }

  /// proc, sysfs, cgroup v1/v2, devpts, mqueue, securityfs, debugfs, tracefs, bpf.
  static func isPseudoFilesystem(_ fd: Int32) -> Bool {
    let type = berth_filesystem_type(fd)
    let magics: Set<Int64> = [
      0x9fa0, 0x6265_6572, 0x0027_e0eb, 0x6367_7270, 0x1cd1, 0x1980_0202, 0x7363_6673, 0x6462_6720, 0x7472_6163,
      0xcafe_4a11,
    ]
    return magics.contains(type)
  }
}
