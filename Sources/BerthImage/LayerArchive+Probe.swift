import CArchive

extension LayerArchive {
  /// Whether the file at path is a tar archive (plain, gzip, bzip2 or xz compressed), as ADD
  /// decides what to extract: by content, not by name.
  public static func isTarArchive(_ path: String) -> Bool {
    guard let reader = archive_read_new() else { return false }
    defer { archive_read_free(reader) }
    archive_read_support_filter_all(reader)
    archive_read_support_format_tar(reader)
    archive_read_support_format_gnutar(reader)
    guard archive_read_open_filename(reader, path, 1 << 16) == ARCHIVE_OK else { return false }
    var entry: OpaquePointer?
    let r = archive_read_next_header(reader, &entry)
    return r == ARCHIVE_OK || r == ARCHIVE_WARN
  }
}
