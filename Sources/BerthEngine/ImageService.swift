import BerthImage
import BerthOCI
import BerthSystem
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Images in the store: resolving names, listing, tagging and removing. Importing, saving and
/// loading live in extensions named after them.
public final class ImageService: Sendable {
  let paths: Paths
  let store: MetadataStore
  let content: ContentStore
  let layers: LayerStore

  init(paths: Paths, store: MetadataStore, content: ContentStore, layers: LayerStore) {
    self.paths = paths
    self.store = store
    self.content = content
    self.layers = layers
  }

  /// Every image with its tags, newest first.
  public func list() throws -> [ImageRecord] {
    try store.read { db in
      let tags = try Row.fetchAll(db, sql: "SELECT name, image_id FROM tags ORDER BY name")
      var byImage: [String: [String]] = [:]
      for t in tags { byImage[t["image_id"], default: []].append(t["name"]) }
      return try Row.fetchAll(db, sql: "SELECT * FROM images ORDER BY created DESC").map {
        try ImageRecord(row: $0, tags: byImage[$0["id"]] ?? [])
      }
    }
  }

  /// Finds an image by reference (`busybox`, `busybox:1.36`), full id or id prefix.
  public func resolve(_ name: String) throws -> ImageRecord {
    if let image = try find(name) { return image }
    do {
      let ref = try Reference(parsing: name)
      throw BerthError.notFound("No such image: \(ref.withDefaultTag().familiarString)")
    } catch let error as ReferenceError {
      throw BerthError.invalid(error.description)
    }
  }

  /// Like resolve, but nil when there is no such image.
  public func find(_ name: String) throws -> ImageRecord? {
    try store.read { db in
      var id: String?
      if let ref = try? Reference(parsing: name).withDefaultTag() {
        id = try String.fetchOne(db, sql: "SELECT image_id FROM tags WHERE name = ?", arguments: [ref.string])
      }
      if id == nil {
        let hex = name.hasPrefix("sha256:") ? String(name.dropFirst(7)) : name
        if !hex.isEmpty && hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
          let matches = try String.fetchAll(
            db, sql: "SELECT id FROM images WHERE id LIKE ?", arguments: ["sha256:\(hex)%"])
          if matches.count > 1 { throw BerthError.invalid("multiple IDs found with provided prefix: \(hex)") }
          id = matches.first
        }
      }
      guard let id, let row = try Row.fetchOne(db, sql: "SELECT * FROM images WHERE id = ?", arguments: [id])
      else { return nil }
      let tags = try String.fetchAll(
        db, sql: "SELECT name FROM tags WHERE image_id = ? ORDER BY name", arguments: [id])
      return try ImageRecord(row: row, tags: tags)
    }
  }

  /// The image's config.
  public func config(of image: ImageRecord) throws -> ImageConfig {
    try JSONDecoder().decode(ImageConfig.self, from: Data(content.read(image.id)))
  }

  /// The image's manifest.
  public func manifest(of image: ImageRecord) throws -> Manifest {
    try JSONDecoder().decode(Manifest.self, from: Data(content.read(image.manifest)))
  }

  /// Unpacked layer directories of an image, topmost first (overlay's lowerdir order).
  public func layerDirectories(of config: ImageConfig) -> [String] {
    LayerStore.chainIDs(diffIDs: config.rootfs.diffIDs).reversed().map { layers.diffPath($0) }
  }

  /// Points `target` at the image `source` names.
  public func tag(_ source: String, _ target: String) throws {
    let image = try resolve(source)
    let ref = try parseReference(target)
    guard ref.digest == nil else { throw BerthError.invalid("refusing to create a tag with a digest reference") }
    try store.write { db in
      try db.execute(
        sql: "INSERT OR REPLACE INTO tags (name, image_id) VALUES (?, ?)",
        arguments: [ref.string, image.id.description])
      try db.execute(
        sql: "UPDATE images SET last_tag_time = ? WHERE id = ?", arguments: [Timestamp.now(), image.id.description])
    }
    EventJournal(paths: paths).emit(
      type: "image", action: "tag", id: image.id.description, attributes: ["name": ref.familiarString])
  }

  /// Removes a tag or an image as `docker rmi` does; returns the `Untagged:` / `Deleted:` lines.
  ///
  /// By tag, with other tags left: only that tag goes. Otherwise every tag goes and the image
  /// with them, unless a container uses it: that is a conflict, and with `force` the image stays
  /// untagged for its containers.
  public func remove(_ name: String, force: Bool) throws -> [String] {
    let image = try resolve(name)
    let tag = (try? Reference(parsing: name).withDefaultTag()).flatMap { image.tags.contains($0.string) ? $0 : nil }
    if let tag, image.tags.count > 1 {
      try untag([tag.string], deleting: nil)
      return ["Untagged: \(tag.familiarString)"]
    }
    if tag == nil && image.tags.count > 1 && !force {
      throw BerthError.conflict(
        "conflict: unable to delete \(image.id.shortID) (must be forced) - image is referenced in multiple repositories"
      )
    }
    let users = try store.read { db in
      try String.fetchAll(db, sql: "SELECT id FROM containers WHERE image_id = ?", arguments: [image.id.description])
    }
    if let user = users.first, !force {
      throw BerthError.conflict(
        tag != nil
          ? "conflict: unable to remove repository reference \"\(name)\" (must force) - container \(user.prefix(12)) is using its referenced image \(image.id.shortID)"
          : "conflict: unable to delete \(image.id.shortID) (must be forced) - image is being used by stopped container \(user.prefix(12))"
      )
    }
    let delete = users.isEmpty
    try untag(image.tags, deleting: delete ? image : nil)
    var lines = image.tags.map { "Untagged: " + ((try? Reference(parsing: $0).familiarString) ?? $0) }
    if delete {
      try collectGarbage(of: image)
      lines.append("Deleted: \(image.id)")
    }
    return lines
  }

  private func untag(_ tags: [String], deleting image: ImageRecord?) throws {
    let ids = tags.map { (try? resolve($0))?.id.description ?? image?.id.description ?? "" }
    try store.write { db in
      for t in tags { try db.execute(sql: "DELETE FROM tags WHERE name = ?", arguments: [t]) }
      if let image { try db.execute(sql: "DELETE FROM images WHERE id = ?", arguments: [image.id.description]) }
    }
    let journal = EventJournal(paths: paths)
    for (t, id) in zip(tags, ids) { journal.emit(type: "image", action: "untag", id: id, attributes: ["name": t]) }
    if let image { journal.emit(type: "image", action: "delete", id: image.id.description, attributes: [:]) }
  }

  /// Removes the blobs and layers of a deleted image that no remaining image uses.
  func collectGarbage(of image: ImageRecord) throws {
    let config = try? self.config(of: image)
    let manifest = try? self.manifest(of: image)
    var inUse = Set<Digest>()
    for other in try list() {
      inUse.insert(other.id)
      inUse.insert(other.manifest)
      if let c = try? self.config(of: other) {
        inUse.formUnion(c.rootfs.diffIDs)
        inUse.formUnion(LayerStore.chainIDs(diffIDs: c.rootfs.diffIDs))
      }
      if let m = try? self.manifest(of: other) { inUse.formUnion(m.layers.map(\.digest)) }
    }
    for blob in [image.id, image.manifest] + (manifest?.layers.map(\.digest) ?? []) where !inUse.contains(blob) {
      content.delete(blob)
    }
    for chain in LayerStore.chainIDs(diffIDs: config?.rootfs.diffIDs ?? []) where !inUse.contains(chain) {
      try layers.remove(chain)
    }
  }

  /// Records an image whose blobs and layers are already stored, and tags it.
  @discardableResult
  func register(config: ImageConfig, configDigest: Digest, manifest: Digest, tags: [Reference]) throws -> ImageRecord {
    let size = LayerStore.chainIDs(diffIDs: config.rootfs.diffIDs).reduce(Int64(0)) {
      $0 + layerSize($1)
    }
    try store.write { db in
      try db.execute(
        sql: "INSERT INTO images (id, manifest, created, size) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
        arguments: [configDigest.description, manifest.description, config.created ?? Timestamp.now(), size])
      for t in tags {
        try db.execute(
          sql: "INSERT OR REPLACE INTO tags (name, image_id) VALUES (?, ?)",
          arguments: [t.string, configDigest.description])
      }
    }
    return try resolve(configDigest.description)
  }

  /// Size of an unpacked layer, cached beside it.
  func layerSize(_ chain: Digest) -> Int64 {
    let cache = "\(layers.root)/\(chain.hex)/size"
    if let bytes = try? FileSystem.read(cache), let n = Int64(String(decoding: bytes, as: UTF8.self)) { return n }
    let n = FileSystem.diskUsage(layers.diffPath(chain))
    try? FileSystem.writeAtomically(cache, Array("\(n)".utf8))
    return n
  }

  /// Reads a file of an image's filesystem, from the topmost layer that has it (nil when absent
  /// or whited out). `upper` is searched first (a container's own changes).
  public func readFile(_ path: String, in config: ImageConfig, upper: String? = nil) -> String? {
    let dirs = (upper.map { [$0] } ?? []) + layerDirectories(of: config)
    for dir in dirs {
      var st = stat()
      let full = dir + path
      guard lstat(full, &st) == 0 else { continue }
      if (st.st_mode & S_IFMT) == S_IFCHR && st.st_rdev == 0 { return nil }
      guard (st.st_mode & S_IFMT) == S_IFREG, let bytes = try? FileSystem.read(full) else { return nil }
      return String(decoding: bytes, as: UTF8.self)
    }
    return nil
  }
}

/// Parses a reference with Docker's message on failure, adding the default tag.
func parseReference(_ name: String) throws -> Reference {
  do {
    let ref = try Reference(parsing: name)
    return ref.digest == nil ? ref.withDefaultTag() : ref
  } catch {
    throw BerthError.invalid(error.description)
  }
}
