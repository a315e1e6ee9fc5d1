import BerthOCI
import CArchive

#if canImport(Glibc)
import Glibc
#endif

/// Writes a tar stream (pax format) to a file descriptor, for `save` and `export`.
public final class TarWriter {
  private let archive: OpaquePointer

  /// Starts a tar on fd (the caller keeps ownership of fd).
  public init(fd: Int32) throws { archive = try paxTarWriter(fd: fd) }

  deinit { archive_write_free(archive) }

  /// Adds a directory entry.
  public func addDirectory(_ name: String, mtime: Int = 0) throws {
    try header(name, type: S_IFDIR, mode: 0o755, size: 0, mtime: mtime)
  }

  /// Adds a regular file with the given bytes.
  public func addFile(_ name: String, _ bytes: [UInt8], mtime: Int = 0) throws {
    try header(name, type: S_IFREG, mode: 0o644, size: Int64(bytes.count), mtime: mtime)
    if !bytes.isEmpty {
      let n = bytes.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
      if n < 0 { throw BerthError.internal("tar: \(archiveMessage(archive))") }
    }
  }

  /// Adds a regular file copied from a host path.
  public func addFile(_ name: String, fromPath path: String, mtime: Int = 0) throws {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw BerthError.internal("open \(path): \(String(cString: strerror(errno)))") }
    defer { Glibc.close(fd) }
    var st = stat()
    fstat(fd, &st)
    try header(name, type: S_IFREG, mode: 0o644, size: Int64(st.st_size), mtime: mtime)
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n <= 0 { break }
      let w = buffer.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, n) }
      if w < 0 { throw BerthError.internal("tar: \(archiveMessage(archive))") }
    }
  }

  /// Finishes the archive.
  public func close() throws {
    if archive_write_close(archive) != ARCHIVE_OK { throw BerthError.internal("tar: \(archiveMessage(archive))") }
  }

  private func header(_ name: String, type: mode_t, mode: mode_t, size: Int64, mtime: Int) throws {
    guard let entry = archive_entry_new() else { throw BerthError.internal("archive_entry_new failed") }
    defer { archive_entry_free(entry) }
    archive_entry_set_pathname(entry, name)
    archive_entry_set_filetype(entry, UInt32(type))
    archive_entry_set_perm(entry, mode)
    archive_entry_set_size(entry, size)
    archive_entry_set_mtime(entry, mtime, 0)
    if archive_write_header(archive, entry) != ARCHIVE_OK {
      throw BerthError.internal("tar: \(archiveMessage(archive))")
    }
  }
}
