import BerthOCI
import BerthSystem
import CArchive
import CBerth
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension LayerArchive {
  /// Writes the OCI layer tar of an overlay upper directory into a content-store blob.
  ///
  /// Only the upper directory is read (the layers below are never walked): overlay whiteouts
  /// (0/0 character devices) become `.wh.<name>` entries and opaque directories
  /// (`trusted.overlay.opaque=y`) get a `.wh..wh..opq` entry, as Docker's overlay2 driver writes
  /// them. Entries are sorted byte-wise, directories before their contents; owners, modes,
  /// device numbers and xattrs are kept; a file linked several times inside the directory is
  /// written once and then as hard links. Every timestamp is `mtime` (the same tree always gives
  /// the same bytes). With `normalizeOnDisk`, the directory's own mtimes are set to `mtime` too
  /// and overlay's bookkeeping xattrs (all `trusted.overlay.*` but `opaque`) are removed, so the
  /// directory can serve as the layer's unpacked copy. Paths in `excluding` (relative, as
  /// `etc/hosts`) are left out; with `keepTimes` each entry keeps its own mtime (`commit`).
  @discardableResult
  public static func create(
    fromUpperDir directory: String, into blob: BlobWriter, mtime: Int, normalizeOnDisk: Bool = false,
    excluding: Set<String> = [], keepTimes: Bool = false
  ) throws -> Summary {
    guard let archive = archive_write_new() else { throw BerthError.internal("archive_write_new failed") }
    defer { archive_write_free(archive) }
    archive_write_set_format_pax_restricted(archive)
    archive_write_set_bytes_in_last_block(archive, 1)
    let context = Unmanaged.passUnretained(blob).toOpaque()
    let opened = archive_write_open(
      archive, context, nil,
      { _, context, buffer, length in
        guard let context, let buffer else { return -1 }
        let blob = Unmanaged<BlobWriter>.fromOpaque(context).takeUnretainedValue()
        do {
          try blob.write(UnsafeRawBufferPointer(start: buffer, count: length))
          return length
        } catch {
          return -1
        }
      }, nil)
    guard opened == ARCHIVE_OK else { throw BerthError.internal("tar: \(archiveMessage(archive))") }
    var walker = UpperDirWalker(root: directory, archive: archive, mtime: mtime, normalize: normalizeOnDisk)
    walker.excluded = excluding
    walker.keepTimes = keepTimes
    try walker.walk("")
    if archive_write_close(archive) != ARCHIVE_OK { throw BerthError.internal("tar: \(archiveMessage(archive))") }
    return walker.summary
  }
}

/// The depth-first walk of `LayerArchive.create(fromUpperDir:…)`.
private struct UpperDirWalker {
  let root: String
  let archive: OpaquePointer
  let mtime: Int
  let normalize: Bool
  var summary = LayerArchive.Summary()
  /// First name of each multiply-linked inode, for hard links.
  var links: [UInt64: String] = [:]
  /// Relative paths left out.
  var excluded: Set<String> = []
  /// Whether entries keep their own mtimes instead of `mtime`.
  var keepTimes = false

  init(root: String, archive: OpaquePointer, mtime: Int, normalize: Bool) {
    self.root = root
    self.archive = archive
    self.mtime = mtime
    self.normalize = normalize
  }

  /// Writes the children of the directory `relative` ("" for the root), sorted byte-wise.
  mutating func walk(_ relative: String) throws {
    let dir = relative.isEmpty ? root : root + "/" + relative
    let names = FileSystem.list(dir).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    for name in names {
      let rel = relative.isEmpty ? name : relative + "/" + name
      let path = root + "/" + rel
      if excluded.contains(rel) { continue }
      var st = stat()
      try syscall("lstat", path) { lstat(path, &st) }
      let type = st.st_mode & S_IFMT
      if type == S_IFSOCK { continue }  // tar cannot carry sockets; Docker skips them too
      if normalize { touch(path) }
      if type == S_IFCHR && st.st_rdev == 0 {
        let whiteout = (relative.isEmpty ? "" : relative + "/") + ".wh." + name
        try writeHeader(whiteout, st: st, type: S_IFREG, perm: 0o600, size: 0)
        continue
      }
      var xattrs = try readXattrs(path)
      let opaque = xattrs.first { $0.name == "trusted.overlay.opaque" }?.value == Array("y".utf8)
      xattrs.removeAll { $0.name.hasPrefix("trusted.overlay.") }
      if normalize { removeOverlayXattrs(path) }

      if type == S_IFDIR {
        try writeHeader(rel + "/", st: st, type: S_IFDIR, perm: st.st_mode & 0o7777, size: 0, xattrs: xattrs)
        if opaque {
          try writeHeader(rel + "/.wh..wh..opq", st: st, type: S_IFREG, perm: st.st_mode & 0o777, size: 0)
        }
        try walk(rel)
      } else if type == S_IFREG {
        let key = UInt64(st.st_ino)
        if st.st_nlink > 1, let first = links[key] {
          try writeHeader(
            rel, st: st, type: S_IFREG, perm: st.st_mode & 0o7777, size: 0, xattrs: xattrs, hardlink: first)
          continue
        }
        if st.st_nlink > 1 { links[key] = rel }
        try writeHeader(rel, st: st, type: S_IFREG, perm: st.st_mode & 0o7777, size: Int64(st.st_size), xattrs: xattrs)
        try writeContents(path)
        summary.size += Int64(st.st_size)
      } else if type == S_IFLNK {
        let target = try readLink(path)
        try writeHeader(rel, st: st, type: S_IFLNK, perm: 0o777, size: 0, xattrs: xattrs, symlink: target)
      } else {
        try writeHeader(rel, st: st, type: type, perm: st.st_mode & 0o7777, size: 0, xattrs: xattrs)
      }
    }
  }

  private mutating func writeHeader(
    _ name: String, st: stat, type: mode_t, perm: mode_t, size: Int64, xattrs: [(name: String, value: [UInt8])] = [],
    hardlink: String? = nil, symlink: String? = nil
  ) throws {
    guard let entry = archive_entry_new() else { throw BerthError.internal("archive_entry_new failed") }
    defer { archive_entry_free(entry) }
    archive_entry_set_pathname(entry, name)
    archive_entry_set_filetype(entry, UInt32(type))
    archive_entry_set_perm(entry, perm)
    archive_entry_set_uid(entry, Int64(st.st_uid))
    archive_entry_set_gid(entry, Int64(st.st_gid))
    archive_entry_set_size(entry, size)
    if keepTimes {
      archive_entry_set_mtime(entry, st.st_mtim.tv_sec, st.st_mtim.tv_nsec)
    } else {
      archive_entry_set_mtime(entry, mtime, 0)
    }
    if type == S_IFCHR || type == S_IFBLK { archive_entry_set_rdev(entry, st.st_rdev) }
    if let hardlink { archive_entry_set_hardlink(entry, hardlink) }
    if let symlink { archive_entry_set_symlink(entry, symlink) }
    for x in xattrs {
      x.value.withUnsafeBytes { archive_entry_xattr_add_entry(entry, x.name, $0.baseAddress, $0.count) }
    }
    if archive_write_header(archive, entry) != ARCHIVE_OK {
      throw BerthError.internal("tar entry \(name): \(archiveMessage(archive))")
    }
    summary.entries += 1
  }

  private func writeContents(_ path: String) throws {
    let fd = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = try syscall("read", path) { buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
      if n == 0 { return }
      let w = buffer.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, n) }
      if w < 0 { throw BerthError.internal("tar entry \(path): \(archiveMessage(archive))") }
    }
  }

  /// Extended attributes of path (symlinks not followed), sorted by name.
  private func readXattrs(_ path: String) throws -> [(name: String, value: [UInt8])] {
    let size = llistxattr(path, nil, 0)
    guard size > 0 else { return [] }
    var names = [CChar](repeating: 0, count: size)
    let n = try syscall("llistxattr", path) { llistxattr(path, &names, size) }
    var result: [(name: String, value: [UInt8])] = []
    for raw in names[0..<n].split(separator: 0) {
      let name = String(decoding: raw.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      let length = lgetxattr(path, name, nil, 0)
      guard length >= 0 else { continue }
      var value = [UInt8](repeating: 0, count: length)
      let got = value.withUnsafeMutableBytes { lgetxattr(path, name, $0.baseAddress, length) }
      guard got >= 0 else { continue }
      result.append((name, Array(value[0..<got])))
    }
    return result.sorted { $0.name < $1.name }
  }

  private func removeOverlayXattrs(_ path: String) {
    for name in ["origin", "impure", "nlink", "upper", "redirect", "metacopy", "uuid"] {
      lremovexattr(path, "trusted.overlay." + name)
    }
  }

  private func touch(_ path: String) {
    let time = timespec(tv_sec: mtime, tv_nsec: 0)
    var times = (time, time)
    _ = withUnsafePointer(to: &times) {
      $0.withMemoryRebound(to: timespec.self, capacity: 2) { utimensat(AT_FDCWD, path, $0, AT_SYMLINK_NOFOLLOW) }
    }
  }

  private func readLink(_ path: String) throws -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = try syscall("readlink", path) { readlink(path, &buffer, buffer.count - 1) }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
