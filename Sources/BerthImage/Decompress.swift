import BerthOCI
import BerthSystem
import CArchive

/// Turns a possibly compressed tar stream into the uncompressed tar the content store keeps
/// (layers are stored uncompressed; their digest is their diff id).
public enum Decompress {
  /// Reads `path` (any compression libarchive knows, or none) and stores the raw stream as a blob.
  /// Returns the blob's digest (the diff id) and size.
  public static func storeUncompressed(_ path: String, in store: ContentStore) throws -> (digest: Digest, size: Int64) {
    let writer = try BlobWriter(store: store)
    try stream(path, into: writer)
    return try writer.commit()
  }

  /// Writes the decompressed bytes of the file at `path` (gzip, zstd, …, or none) into `writer`.
  public static func stream(_ path: String, into writer: BlobWriter) throws {
    guard let reader = archive_read_new() else { throw BerthError.internal("archive_read_new failed") }
    defer { archive_read_free(reader) }
    archive_read_support_filter_all(reader)
    archive_read_support_format_raw(reader)
    guard archive_read_open_filename(reader, path, 1 << 16) == ARCHIVE_OK else {
      throw BerthError.invalid("cannot read archive: \(archiveMessage(reader))")
    }
    var entry: OpaquePointer?
    guard archive_read_next_header(reader, &entry) == ARCHIVE_OK else {
      throw BerthError.invalid("cannot read archive: \(archiveMessage(reader))")
    }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = buffer.withUnsafeMutableBytes { archive_read_data(reader, $0.baseAddress, $0.count) }
      if n == 0 { break }
      if n < 0 { throw BerthError.invalid("cannot read archive: \(archiveMessage(reader))") }
      try buffer.withUnsafeBytes { try writer.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }
  }
}
