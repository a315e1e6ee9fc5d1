/// BerthImage owns image content on disk: the content store (blobs by sha256, visible only once
/// verified), unpacked layers (each once, shared read-only), and tar handling through libarchive
/// (safe extraction with OCI → overlay whiteouts, tar writing for save/export).
///
/// It must not know about containers, metadata or the CLI, and must never write outside a target
/// directory it was given, whatever an archive says.
public enum BerthImageModule {}
