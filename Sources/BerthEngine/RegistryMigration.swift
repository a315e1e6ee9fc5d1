import GRDB

extension MetadataStore {
  /// Tables of the registry branch: the digests images were pulled or pushed by (RepoDigests),
  /// and where each layer's compressed blob is known to live, so a push can skip or mount it.
  static func registerRegistryMigration(_ m: inout DatabaseMigrator) {
    m.registerMigration("registry-v1-repo-digests") { db in
      try db.execute(
        sql: """
          CREATE TABLE repo_digests (
            name TEXT PRIMARY KEY NOT NULL,
            image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
          );
          CREATE INDEX repo_digests_image ON repo_digests(image_id);
          CREATE TABLE blob_sources (
            diff_id TEXT NOT NULL,
            digest TEXT NOT NULL,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            registry TEXT NOT NULL,
            repository TEXT NOT NULL,
            PRIMARY KEY (diff_id, digest, registry, repository)
          );
          """)
    }
    // Branch `push`: the foreign (non-distributable) layers of pulled images, so a push keeps
    // their descriptors (with their URLs) in the manifest instead of uploading them, as Docker.
    m.registerMigration("push-v1-foreign-layers") { db in
      try db.execute(
        sql: """
          CREATE TABLE foreign_layers (
            diff_id TEXT PRIMARY KEY NOT NULL,
            descriptor TEXT NOT NULL
          );
          """)
    }
  }
}
