import BerthOCI
import BerthSystem
import CArchive

#if canImport(Glibc)
import Glibc
#endif

/// A tar stream (pax format) of `TreeEntry`s written to a file descriptor: `export`, and
/// `cp CONTAINER:SRC -`. Owners, modes, times, symlinks, hard links and devices are kept;
/// directories are named with a trailing slash, as Docker's archives name them.
public final class TreeArchive {
  private let archive: OpaquePointer

  /// Starts a tar on fd (the caller keeps ownership of fd).
  public init(fd: Int32) throws { archive = try paxTarWriter(fd: fd) }

  deinit { archive_write_free(archive) }

  /// Adds an entry; a regular file's contents are read from `contents`.
  public func add(_ entry: TreeEntry, contents: Int32?) throws {
    guard let e = archive_entry_new() else { throw BerthError.internal("archive_entry_new failed") }
    defer { archive_entry_free(e) }
    let name = entry.type == S_IFDIR && entry.name != "." ? entry.name + "/" : (entry.name == "." ? "./" : entry.name)
    archive_entry_set_pathname(e, name)
    archive_entry_set_filetype(e, UInt32(entry.hardlink == nil ? entry.type : S_IFREG))
    archive_entry_set_perm(e, entry.mode)
    archive_entry_set_uid(e, Int64(entry.uid))
    archive_entry_set_gid(e, Int64(entry.gid))
    archive_entry_set_size(e, entry.hardlink == nil ? entry.size : 0)
    archive_entry_set_mtime(e, entry.mtime.tv_sec, entry.mtime.tv_nsec)
    if entry.type == S_IFCHR || entry.type == S_IFBLK { archive_entry_set_rdev(e, dev_t(entry.rdev)) }
    if let link = entry.linkTarget { archive_entry_set_symlink(e, link) }
    if let hard = entry.hardlink { archive_entry_set_hardlink(e, hard) }
    if archive_write_header(archive, e) != ARCHIVE_OK {
      throw BerthError.internal("tar entry \(name): \(archiveMessage(archive))")
    }
    guard let fd = contents, entry.hardlink == nil else { return }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var left = entry.size
    while left > 0 {
      let n = try syscall("read", entry.name) {
        buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, min($0.count, Int(left))) }
      }
      if n == 0 { break }
      let w = buffer.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, n) }
      if w < 0 { throw BerthError.internal("tar entry \(name): \(archiveMessage(archive))") }
      left -= Int64(n)
    }
    if left > 0 {
      // The file shrank while it was read: pad to the size in the header.
      let zeros = [UInt8](repeating: 0, count: Int(min(left, 1 << 16)))
      while left > 0 {
        let n = Int(min(left, Int64(zeros.count)))
        _ = zeros.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, n) }
        left -= Int64(n)
      }
    }
  }

  /// Finishes the archive.
  public func close() throws {
    if archive_write_close(archive) != ARCHIVE_OK { throw BerthError.internal("tar: \(archiveMessage(archive))") }
  }
}
