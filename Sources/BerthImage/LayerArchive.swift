import BerthOCI
import BerthSystem
import CArchive
import CBerth
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Unpacks layer and context archives (tar, optionally gzip/bzip2/xz/zstd compressed) safely.
///
/// Refused, with nothing written outside the target: absolute paths, `..` components, entries
/// whose parent path goes through a symlink (so a symlink that leads outside can never be
/// written through), and hard links whose target is refused by the same rules.
/// OCI whiteouts become overlayfs whiteouts: `.wh.<name>` a 0/0 character device,
/// `.wh..wh..opq` the `trusted.overlay.opaque` xattr on its directory.
public enum LayerArchive {
  /// What an extraction produced.
  public struct Summary: Sendable {
    /// Number of entries written.
    public var entries = 0
    /// Sum of regular file sizes.
    public var size: Int64 = 0
  }

  /// Extracts the archive at `path` into the existing directory `target`.
  @discardableResult
  public static func extract(archive path: String, into target: String, whiteouts: Bool = true) throws -> Summary {
    guard let reader = archive_read_new() else { throw BerthError.internal("archive_read_new failed") }
    defer { archive_read_free(reader) }
    archive_read_support_filter_all(reader)
    archive_read_support_format_tar(reader)
    archive_read_support_format_gnutar(reader)
    archive_read_support_format_empty(reader)
    guard archive_read_open_filename(reader, path, 1 << 16) == ARCHIVE_OK else {
      throw BerthError.invalid("cannot read archive: \(archiveMessage(reader))")
    }
    guard let writer = archive_write_disk_new() else { throw BerthError.internal("archive_write_disk_new failed") }
    defer { archive_write_free(writer) }
    let flags =
      ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_XATTR
      | ARCHIVE_EXTRACT_UNLINK | ARCHIVE_EXTRACT_SECURE_NODOTDOT
    archive_write_disk_set_options(writer, flags)

    var summary = Summary()
    var entry: OpaquePointer?
    while true {
      let r = archive_read_next_header(reader, &entry)
      if r == ARCHIVE_EOF { break }
      guard r == ARCHIVE_OK || r == ARCHIVE_WARN, let entry else {
        throw BerthError.invalid("invalid tar header: \(archiveMessage(reader))")
      }
      guard let rawName = archive_entry_pathname(entry).map({ String(cString: $0) }) else { continue }
      let name = try safeRelativePath(rawName)
      if name.isEmpty { continue }  // the archive's root "./"
      try refuseSymlinkTraversal(name, in: target, entry: rawName)
      let base = PathName.base(name)
      let parent = PathName.parent(name)
      if whiteouts && base.hasPrefix(".wh.") {
        let dir = parent.isEmpty ? target : target + "/" + parent
        try FileSystem.makeDirectory(dir)
        if base == ".wh..wh..opq" {
          try syscall("setxattr", "trusted.overlay.opaque on \(dir)") {
            setxattr(dir, "trusted.overlay.opaque", "y", 1, 0)
          }
        } else if !base.hasPrefix(".wh..wh.") {
          let hidden = dir + "/" + String(base.dropFirst(4))
          try FileSystem.removeTree(hidden)
          try syscall("mknod", hidden) { mknod(hidden, S_IFCHR | 0o000, 0) }
        }
        summary.entries += 1
        continue
      }
      if let link = archive_entry_hardlink(entry).map({ String(cString: $0) }) {
        let linkName = try safeRelativePath(link)
        try refuseSymlinkTraversal(linkName, in: target, entry: rawName)
        guard !linkName.isEmpty else { throw BerthError.invalid("archive entry \(rawName): invalid hard link") }
        archive_entry_set_hardlink(entry, target + "/" + linkName)
      }
      archive_entry_set_pathname(entry, target + "/" + name)
      if archive_entry_filetype(entry) == 0o100000 { summary.size += archive_entry_size(entry) }
      let w = archive_write_header(writer, entry)
      if w < ARCHIVE_WARN { throw BerthError.invalid("archive entry \(rawName): \(archiveMessage(writer))") }
      if archive_entry_size(entry) > 0 && w >= ARCHIVE_WARN {
        try copyData(from: reader, to: writer, entry: rawName)
      }
      if archive_write_finish_entry(writer) < ARCHIVE_WARN {
        throw BerthError.invalid("archive entry \(rawName): \(archiveMessage(writer))")
      }
      summary.entries += 1
    }
    if archive_write_close(writer) < ARCHIVE_WARN {
      throw BerthError.invalid("archive: \(archiveMessage(writer))")
    }
    return summary
  }

  /// Normalises an entry name ("./a//b/" → "a/b") and refuses absolute and `..` paths.
  public static func safeRelativePath(_ raw: String) throws -> String {
    if raw.hasPrefix("/") {
      throw BerthError.invalid("archive entry \(raw): absolute path refused")
    }
    var parts: [Substring] = []
    for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == ".." { throw BerthError.invalid("archive entry \(raw): path with \"..\" refused") }
      parts.append(part)
    }
    return parts.joined(separator: "/")
  }

  /// Refuses a path whose parent directories (already extracted) include a symlink.
  static func refuseSymlinkTraversal(_ name: String, in target: String, entry: String) throws {
    var path = target
    let parts = name.split(separator: "/")
    for part in parts.dropLast() {
      path += "/" + part
      var st = stat()
      if lstat(path, &st) != 0 { return }
      if (st.st_mode & S_IFMT) == S_IFLNK {
        throw BerthError.invalid(
          "archive entry \(entry): refusing to write through symlink \(path.dropFirst(target.count + 1))")
      }
    }
  }

  private static func copyData(from reader: OpaquePointer, to writer: OpaquePointer, entry: String) throws {
    var buffer: UnsafeRawPointer?
    var size = 0
    var offset: Int64 = 0
    while true {
      let r = archive_read_data_block(reader, &buffer, &size, &offset)
      if r == ARCHIVE_EOF { return }
      if r < ARCHIVE_WARN { throw BerthError.invalid("archive entry \(entry): \(archiveMessage(reader))") }
      if archive_write_data_block(writer, buffer, size, offset) < ARCHIVE_WARN {
        throw BerthError.invalid("archive entry \(entry): \(archiveMessage(writer))")
      }
    }
  }
}

/// libarchive's last error message.
func archiveMessage(_ a: OpaquePointer) -> String {
  archive_error_string(a).map { String(cString: $0) } ?? "unknown error"
}

/// A libarchive writer of a pax tar stream to fd, with no padding after the last block, as
/// `save`, `export` and `cp` write them (the caller keeps ownership of fd and frees the writer).
func paxTarWriter(fd: Int32) throws -> OpaquePointer {
  guard let a = archive_write_new() else { throw BerthError.internal("archive_write_new failed") }
  archive_write_set_format_pax_restricted(a)
  archive_write_set_bytes_in_last_block(a, 1)
  guard archive_write_open_fd(a, fd) == ARCHIVE_OK else {
    defer { archive_write_free(a) }
    throw BerthError.internal("tar: \(archiveMessage(a))")
  }
  return a
}
