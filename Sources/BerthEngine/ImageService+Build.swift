import BerthImage
import BerthOCI
import Foundation
import GRDB

extension ImageService {
  /// Writes an image's config and manifest blobs (its layers already stored) without listing it;
  /// returns its id.
  func writeImageBlobs(_ config: ImageConfig) throws -> Digest {
    try writeBlobs(config).config
  }

  /// The config of a stored image blob by id, listed or not.
  func decodeConfig(_ id: Digest) throws -> ImageConfig {
    try JSONDecoder().decode(ImageConfig.self, from: Data(content.read(id)))
  }

  /// Lists (and tags) an image whose blobs `writeImageBlobs` wrote.
  @discardableResult
  func registerBuilt(_ id: Digest, config: ImageConfig, tags: [Reference]) throws -> ImageRecord {
    // A build that only names its base (`FROM image`) yields that image as it is stored (its
    // blobs may have been written by an import or a pull in another encoding, and the stage's
    // default PATH was never committed): tag it, as Docker does.
    let manifest = try store.read { db in
      try String.fetchOne(db, sql: "SELECT manifest FROM images WHERE id = ?", arguments: [id.description])
    }
    if let manifest, let digest = try? Digest(parsing: manifest), let stored = try? decodeConfig(id) {
      return try register(config: stored, configDigest: id, manifest: digest, tags: tags)
    }
    let blobs = try writeBlobs(config)
    guard blobs.config == id else { throw BerthError.internal("image \(id) changed while building") }
    return try register(config: config, configDigest: id, manifest: blobs.manifest, tags: tags)
  }

  /// Removes the listing of an image `registerBuilt` listed for a build step, unless it got a
  /// tag meanwhile; its blobs and layers stay (they are the build cache).
  func unregisterBuilt(_ id: Digest) throws {
    try store.write { db in
      try db.execute(
        sql: "DELETE FROM images WHERE id = ? AND NOT EXISTS (SELECT 1 FROM tags WHERE image_id = ?)",
        arguments: [id.description, id.description])
    }
  }

  private func writeBlobs(_ config: ImageConfig) throws -> (config: Digest, manifest: Digest) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let configBytes = Array(try encoder.encode(config))
    let configDigest = try content.write(configBytes)
    let manifest = Manifest(
      schemaVersion: 2, mediaType: MediaType.ociManifest,
      config: Descriptor(mediaType: MediaType.ociConfig, digest: configDigest, size: Int64(configBytes.count)),
      layers: config.rootfs.diffIDs.map {
        Descriptor(mediaType: MediaType.ociLayer, digest: $0, size: content.size(of: $0))
      })
    let manifestDigest = try content.write(Array(try encoder.encode(manifest)))
    return (configDigest, manifestDigest)
  }
}
