import BerthBuild
import BerthOCI
import BerthSystem
import CBerth
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Docker's copy-up: the image's content at a volume's destination is copied into the volume
/// while the volume is empty, keeping owners, modes, times, symlinks, hard links and xattrs.
///
/// The container's view of the image (its upper dir over the image's layers) is mounted read-only
/// in `<data-root>/tmp/volcopy-<pid>-…` (recovery unmounts and removes it if this process dies),
/// the destination resolved inside that root (symlinks in the image cannot lead out), and the
/// tree copied without following symlinks.
struct VolumeCopyUp {
  /// The data root's tmp directory.
  let tmp: String

  /// Copies each (container path, volume data dir); layers are topmost first.
  func copy(_ pairs: [(destination: String, volume: String)], layers: [String]) throws {
    let dir = "\(tmp)/volcopy-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileSystem.makeDirectory(dir + "/merged")
    try FileSystem.makeDirectory(dir + "/empty")
    defer { try? FileSystem.removeTree(dir) }
    let lowers = layers.count < 2 ? layers + [dir + "/empty"] : layers
    let merged = dir + "/merged"
    try syscall("mount", "overlay -> \(merged)") {
      mount("overlay", merged, "overlay", UInt(MS_RDONLY), "lowerdir=" + lowers.joined(separator: ":"))
    }
    defer { try? Mounts.unmount(merged) }
    for (destination, volume) in pairs {
      let source = try ScopedPath.resolve(destination, in: merged)
      var st = stat()
      guard lstat(source, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { continue }
      var links: [String: String] = [:]
      try copyTree(source, to: volume, links: &links, top: true)
    }
  }

  /// Copies the directory src's contents into dst (which exists), then src's owner, mode and
  /// times onto dst.
  func copyTree(_ src: String, to dst: String, links: inout [String: String], top: Bool = false) throws {
    for name in FileSystem.list(src) {
      let from = src + "/" + name
      let to = dst + "/" + name
      var st = stat()
      try syscall("lstat", from) { lstat(from, &st) }
      let key = "\(st.st_dev):\(st.st_ino)"
      if (st.st_mode & S_IFMT) != S_IFDIR && st.st_nlink > 1 {
        if let first = links[key] {
          try syscall("link", "\(first) -> \(to)") { link(first, to) }
          continue
        }
        links[key] = to
      }
      switch st.st_mode & S_IFMT {
      case S_IFDIR:
        try syscall("mkdir", to) { mkdir(to, 0o700) }
        try copyTree(from, to: to, links: &links)
        continue
      case S_IFREG:
        try copyFile(from, to: to, mode: st.st_mode & 0o7777)
      case S_IFLNK:
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = try syscall("readlink", from) { readlink(from, &buffer, buffer.count - 1) }
        buffer[n] = 0
        try syscall("symlink", to) { symlink(buffer, to) }
      case S_IFCHR, S_IFBLK, S_IFIFO:
        try syscall("mknod", to) { mknod(to, st.st_mode, st.st_rdev) }
      default:
        continue  // sockets are not copied
      }
      try copyMetadata(from, to: to, st)
    }
    var st = stat()
    try syscall("lstat", src) { lstat(src, &st) }
    try copyMetadata(src, to: dst, st)
  }

  func copyFile(_ from: String, to: String, mode: mode_t) throws {
    let input = try syscall("open", from) { open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
    defer { close(input) }
    let output = try syscall("open", to) { open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode) }
    defer { close(output) }
    var buffer = [UInt8](repeating: 0, count: 128 * 1024)
    while true {
      let n = try syscall("read", from) { buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) } }
      if n == 0 { break }
      try FileSystem.writeAll(output, Array(buffer[0..<n]), path: to)
    }
  }

  /// Owner, then mode (chown clears set-id bits), xattrs and times, without following symlinks.
  func copyMetadata(_ from: String, to: String, _ st: stat) throws {
    try syscall("lchown", to) { lchown(to, st.st_uid, st.st_gid) }
    let type = st.st_mode & S_IFMT
    if type != S_IFLNK { try syscall("chmod", to) { chmod(to, st.st_mode & 0o7777) } }
    copyXattrs(from, to: to)
    var times = [st.st_atim, st.st_mtim]
    try syscall("utimensat", to) { utimensat(AT_FDCWD, to, &times, AT_SYMLINK_NOFOLLOW) }
  }

  /// Extended attributes (file capabilities, ACLs); overlayfs's own `trusted.overlay.*` stay
  /// behind. Best effort: a filesystem without xattrs loses them, as Docker's copy does.
  func copyXattrs(_ from: String, to: String) {
    let size = llistxattr(from, nil, 0)
    guard size > 0 else { return }
    var names = [CChar](repeating: 0, count: size)
    let n = llistxattr(from, &names, size)
    guard n > 0 else { return }
    for raw in names[0..<n].split(separator: 0) {
      let name = String(decoding: raw.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      if name.hasPrefix("trusted.overlay.") { continue }
      let length = lgetxattr(from, name, nil, 0)
      guard length >= 0 else { continue }
      var value = [UInt8](repeating: 0, count: max(length, 1))
      let got = lgetxattr(from, name, &value, length)
      guard got >= 0 else { continue }
      _ = lsetxattr(to, name, value, got, 0)
    }
  }
}
