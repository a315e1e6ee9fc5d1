import BerthImage
import BerthOCI
import BerthSystem
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// The layout `save` writes.
public enum ArchiveFormat: Sendable {
  /// `docker save`'s layout: `manifest.json`, `repositories`, `<config hex>.json` and one
  /// `<diff id hex>/` directory (`layer.tar`, `VERSION`, `json`) per layer.
  case docker
  /// An OCI image layout: `oci-layout`, `index.json` and `blobs/sha256/<hex>`.
  case oci
}

extension ImageService {
  // MARK: - save

  /// `docker save`: writes the named images (references or ids) as a tar to fd, streaming.
  ///
  /// A name with a tag saves that tag; a repository name without tag saves every tag of the
  /// repository; an id saves the image without tags. Every name is resolved and every blob
  /// checked before the first byte is written, so a failure leaves the output empty.
  public func save(_ names: [String], format: ArchiveFormat = .docker, to fd: Int32) throws {
    var images: [SavedImage] = []
    for (record, tags) in try saveSelection(names) {
      let configBytes = try content.read(record.id)
      let config = try JSONDecoder().decode(ImageConfig.self, from: Data(configBytes))
      let manifest = try self.manifest(of: record)
      let blobs =
        format == .docker
        ? config.rootfs.diffIDs : [record.manifest, manifest.config.digest] + manifest.layers.map(\.digest)
      for blob in blobs where !content.contains(blob) {
        throw BerthError.internal("image \(record.id.shortID): blob \(blob) is missing from the content store")
      }
      let seconds = Timestamp.parse(record.created)?.timeIntervalSince1970 ?? 0
      images.append(
        SavedImage(
          record: record, tags: tags, configBytes: configBytes, config: config, manifest: manifest,
          mtime: max(0, Int(seconds))))
    }
    let tar = try TarWriter(fd: fd)
    switch format {
    case .docker: try writeDockerArchive(images, to: tar)
    case .oci: try writeOCIArchive(images, to: tar)
    }
    try tar.close()
  }

  /// The images to save, each with the tags to record for it, in the order first named
  /// (Docker's `parseNames`).
  func saveSelection(_ names: [String]) throws -> [(ImageRecord, [Reference])] {
    var order: [Digest] = []
    var selected: [Digest: (ImageRecord, [Reference])] = [:]
    func add(_ image: ImageRecord, _ tag: Reference?) {
      if selected[image.id] == nil {
        order.append(image.id)
        selected[image.id] = (image, [])
      }
      if let tag, !(selected[image.id]?.1.contains(tag) ?? false) { selected[image.id]?.1.append(tag) }
    }
    for name in names {
      if let repository = try? Reference(parsing: name), repository.tag == nil, repository.digest == nil {
        // A bare repository name means all of its tags.
        var found = false
        for image in try list() {
          for tag in image.tags {
            guard let ref = try? Reference(parsing: tag), ref.name == repository.name else { continue }
            add(image, ref)
            found = true
          }
        }
        if found { continue }
      }
      let image = try resolve(name)
      let ref = (try? Reference(parsing: name))?.withDefaultTag()
      add(image, ref.flatMap { image.tags.contains($0.string) ? $0 : nil })
    }
    return order.compactMap { selected[$0] }
  }

  private func writeDockerArchive(_ images: [SavedImage], to tar: TarWriter) throws {
    var items: [DockerManifestItem] = []
    var repositories: [String: [String: String]] = [:]
    var written = Set<Digest>()
    for image in images {
      let configName = "\(image.record.id.hex).json"
      if written.insert(image.record.id).inserted {
        try tar.addFile(configName, image.configBytes, mtime: image.mtime)
      }
      var parent: String?
      for diffID in image.config.rootfs.diffIDs {
        let dir = diffID.hex
        if written.insert(diffID).inserted {
          try tar.addDirectory(dir, mtime: image.mtime)
          try tar.addFile("\(dir)/VERSION", Array("1.0".utf8), mtime: image.mtime)
          let json = try legacyLayerJSON(id: dir, parent: parent == dir ? nil : parent, created: image.record.created)
          try tar.addFile("\(dir)/json", json, mtime: image.mtime)
          try tar.addFile("\(dir)/layer.tar", fromPath: content.path(of: diffID), mtime: image.mtime)
        }
        parent = dir
      }
      if let top = image.config.rootfs.diffIDs.last {
        for tag in image.tags {
          repositories[tag.familiarName, default: [:]][tag.tag ?? Reference.defaultTag] = top.hex
        }
      }
      items.append(
        DockerManifestItem(
          config: configName, repoTags: image.tags.isEmpty ? nil : image.tags.map(\.familiarString),
          layers: image.config.rootfs.diffIDs.map { "\($0.hex)/layer.tar" }))
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    try tar.addFile("manifest.json", Array(try encoder.encode(items)) + [0x0A])
    if !repositories.isEmpty {
      encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
      try tar.addFile("repositories", Array(try encoder.encode(repositories)) + [0x0A])
    }
  }

  /// The v1 `json` of a layer directory; `docker load` ignores it when there is a manifest.json.
  private func legacyLayerJSON(id: String, parent: String?, created: String) throws -> [UInt8] {
    let quotedCreated = String(decoding: try JSONEncoder().encode(created), as: UTF8.self)
    let parentMember = parent.map { "\"parent\":\"\($0)\"," } ?? ""
    let emptyConfig =
      #"{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"#
      + #""AttachStderr":false,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":null,"#
      + #""Image":"","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":null}"#
    return Array(
      "{\"id\":\"\(id)\",\(parentMember)\"created\":\(quotedCreated),\"container_config\":\(emptyConfig)}".utf8)
  }

  private func writeOCIArchive(_ images: [SavedImage], to tar: TarWriter) throws {
    try tar.addFile("oci-layout", Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
    try tar.addDirectory("blobs")
    try tar.addDirectory("blobs/sha256")
    var written = Set<Digest>()
    var descriptors: [Descriptor] = []
    for image in images {
      let blobs = [image.manifest.config.digest] + image.manifest.layers.map(\.digest) + [image.record.manifest]
      for blob in blobs where written.insert(blob).inserted {
        try tar.addFile("blobs/sha256/\(blob.hex)", fromPath: content.path(of: blob), mtime: image.mtime)
      }
      let descriptor = Descriptor(
        mediaType: image.manifest.mediaType ?? MediaType.ociManifest, digest: image.record.manifest,
        size: content.size(of: image.record.manifest))
      if image.tags.isEmpty { descriptors.append(descriptor) }
      for tag in image.tags {
        var tagged = descriptor
        tagged.annotations = [
          "io.containerd.image.name": tag.string,
          "org.opencontainers.image.ref.name": tag.tag ?? Reference.defaultTag,
        ]
        descriptors.append(tagged)
      }
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    try tar.addFile("index.json", Array(try encoder.encode(Index(manifests: descriptors))))
  }

  // MARK: - load

  /// `docker load -i path` (`-` reads stdin): loads every image of a `docker save` archive or
  /// an OCI image layout tar (either possibly compressed). Returns Docker's output lines
  /// (`Loaded image: busybox:latest`, `Loaded image ID: sha256:…`).
  ///
  /// All images are stored and verified before any is registered, and all are registered in
  /// one transaction: on failure nothing new is registered and the blobs and layers this load
  /// added are removed again.
  public func load(from path: String) throws -> [String] {
    let unique = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    var source = path
    var spooled: String?
    if path == "-" {
      let tmp = "\(paths.tmp)/load-\(unique).tar"
      spooled = tmp
      try spool(fd: 0, to: tmp)
      source = tmp
    } else if !FileSystem.exists(path) {
      throw BerthError.notFound("open \(path): no such file or directory")
    }
    defer { if let spooled { unlink(spooled) } }

    let dir = "\(paths.tmp)/load-\(unique)"
    try syscall("mkdir", dir) { mkdir(dir, 0o700) }
    defer { try? FileSystem.removeTree(dir) }
    try LayerArchive.extract(archive: source, into: dir, whiteouts: false)
    let root = try ArchiveRoot(dir)

    let candidates: [LoadCandidate]
    if FileSystem.exists(dir + "/manifest.json") {
      candidates = try dockerCandidates(root)
    } else if FileSystem.exists(dir + "/index.json") {
      candidates = try ociCandidates(root)
    } else {
      throw BerthError.invalid("invalid archive: it has neither manifest.json nor index.json")
    }
    guard !candidates.isEmpty else { throw BerthError.invalid("invalid archive: it holds no image") }

    var added = AddedContent()
    do {
      var prepared: [PreparedImage] = []
      for candidate in candidates {
        let configBytes = try FileSystem.read(candidate.configPath)
        let id = Digest.sha256(of: configBytes)
        if let expected = candidate.expectedConfig, expected != id {
          throw BerthError.invalid("invalid archive: config digest mismatch: expected \(expected), got \(id)")
        }
        if let i = prepared.firstIndex(where: { $0.id == id }) {
          prepared[i].tags += candidate.tags.filter { !prepared[i].tags.contains($0) }
          continue
        }
        prepared.append(try prepareImage(candidate, configBytes: configBytes, id: id, added: &added))
      }
      return try registerLoaded(prepared)
    } catch {
      removeUnused(added)
      throw error
    }
  }

  /// Stores one image's layers (unpacked), config and manifest; nothing is registered yet.
  private func prepareImage(
    _ candidate: LoadCandidate, configBytes: [UInt8], id: Digest, added: inout AddedContent
  ) throws -> PreparedImage {
    let config: ImageConfig
    do {
      config = try JSONDecoder().decode(ImageConfig.self, from: Data(configBytes))
    } catch {
      throw BerthError.invalid("invalid image config \(id): \(error)")
    }
    if !config.os.isEmpty && config.os != "linux" {
      throw BerthError.invalid("image operating system \"\(config.os)\" cannot be used on this platform")
    }
    let diffIDs = config.rootfs.diffIDs
    guard diffIDs.count == candidate.layerPaths.count else {
      throw BerthError.invalid(
        "invalid manifest, layers length mismatch: expected \(candidate.layerPaths.count), got \(diffIDs.count)")
    }
    let chains = LayerStore.chainIDs(diffIDs: diffIDs)
    var stored: [(Digest, Int64)] = []
    for (i, layerPath) in candidate.layerPaths.enumerated() {
      let existed = content.contains(diffIDs[i])
      let (diffID, size) = try Decompress.storeUncompressed(layerPath, in: content)
      if diffID != diffIDs[i] || !existed { added.blobs.insert(diffID) }
      guard diffID == diffIDs[i] else {
        throw BerthError.invalid("invalid diffID for layer \(i): expected \"\(diffIDs[i])\", got \"\(diffID)\"")
      }
      if !layers.contains(chains[i]) { added.layers.insert(chains[i]) }
      try layers.unpack(archive: content.path(of: diffID), as: chains[i])
      stored.append((diffID, size))
    }
    let manifest = try writeBlobs(configBytes: configBytes, id: id, layers: stored, added: &added)
    return PreparedImage(id: id, manifest: manifest, config: config, tags: candidate.tags)
  }

  /// Stores the config bytes exactly as given (their digest is the image id) and an OCI
  /// manifest built as `store(config:layers:tags:)` builds it; returns the manifest's digest.
  private func writeBlobs(configBytes: [UInt8], id: Digest, layers: [(Digest, Int64)], added: inout AddedContent) throws
    -> Digest
  {
    if !content.contains(id) { added.blobs.insert(id) }
    try content.write(configBytes, expected: id)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let manifest = Manifest(
      schemaVersion: 2, mediaType: MediaType.ociManifest,
      config: Descriptor(mediaType: MediaType.ociConfig, digest: id, size: Int64(configBytes.count)),
      layers: layers.map { Descriptor(mediaType: MediaType.ociLayer, digest: $0.0, size: $0.1) })
    let manifestBytes = Array(try encoder.encode(manifest))
    let digest = Digest.sha256(of: manifestBytes)
    if !content.contains(digest) { added.blobs.insert(digest) }
    return try content.write(manifestBytes, expected: digest)
  }

  /// Registers loaded images and their tags in one transaction.
  ///
  /// Not `register(…)`: its `INSERT OR REPLACE INTO images` deletes the row of an image that
  /// is already present, and with it (ON DELETE CASCADE) every tag of that image. Here an
  /// existing image row is kept and only the archive's tags are (re)pointed.
  private func registerLoaded(_ images: [PreparedImage]) throws -> [String] {
    let sizes = images.map { image in
      LayerStore.chainIDs(diffIDs: image.config.rootfs.diffIDs).reduce(Int64(0)) { $0 + layerSize($1) }
    }
    let created = Timestamp.now()
    return try store.write { db in
      var lines: [String] = []
      for (image, size) in zip(images, sizes) {
        try db.execute(
          sql: "INSERT OR IGNORE INTO images (id, manifest, created, size) VALUES (?, ?, ?, ?)",
          arguments: [image.id.description, image.manifest.description, image.config.created ?? created, size])
        for tag in image.tags {
          let previous = try String.fetchOne(
            db, sql: "SELECT image_id FROM tags WHERE name = ?", arguments: [tag.string])
          if let previous, previous != image.id.description {
            lines.append(
              "The image \(tag.familiarString) already exists, renaming the old one with ID \(previous) to empty string"
            )
          }
          try db.execute(
            sql: "INSERT OR REPLACE INTO tags (name, image_id) VALUES (?, ?)",
            arguments: [tag.string, image.id.description])
          lines.append("Loaded image: \(tag.familiarString)")
        }
        if image.tags.isEmpty { lines.append("Loaded image ID: \(image.id)") }
      }
      return lines
    }
  }

  /// Removes blobs and layers a failed load added, unless an image uses them meanwhile.
  private func removeUnused(_ added: AddedContent) {
    guard !added.blobs.isEmpty || !added.layers.isEmpty, let images = try? list() else { return }
    var inUse = Set<Digest>()
    for image in images {
      inUse.insert(image.id)
      inUse.insert(image.manifest)
      if let c = try? config(of: image) {
        inUse.formUnion(c.rootfs.diffIDs)
        inUse.formUnion(LayerStore.chainIDs(diffIDs: c.rootfs.diffIDs))
      }
      if let m = try? manifest(of: image) { inUse.formUnion(m.layers.map(\.digest)) }
    }
    for blob in added.blobs where !inUse.contains(blob) { content.delete(blob) }
    for chain in added.layers where !inUse.contains(chain) { try? layers.remove(chain) }
  }

  /// The images of a `docker save` archive (`manifest.json`).
  private func dockerCandidates(_ root: ArchiveRoot) throws -> [LoadCandidate] {
    let items: [DockerManifestItem]
    do {
      items = try JSONDecoder().decode(
        [DockerManifestItem].self, from: Data(try FileSystem.read(try root.file("manifest.json"))))
    } catch let error as BerthError {
      throw error
    } catch {
      throw BerthError.invalid("invalid archive: manifest.json: \(error)")
    }
    return try items.map { item in
      let tags = try (item.repoTags ?? []).map { name in
        guard let ref = try? Reference(parsing: name), ref.tag != nil, ref.digest == nil else {
          throw BerthError.invalid("invalid tag \"\(name)\"")
        }
        return ref
      }
      // `<hex>.json` (Docker ≤ 24) or `blobs/sha256/<hex>` (Docker 25+): the name is the digest.
      var base = PathName.base(item.config)
      if base.hasSuffix(".json") { base.removeLast(5) }
      return LoadCandidate(
        configPath: try root.file(item.config), expectedConfig: try? Digest(parsing: "sha256:" + base),
        layerPaths: try item.layers.map { try root.file($0) }, tags: tags)
    }
  }

  /// The images of an OCI image layout (`index.json`); a nested index gives the host's platform.
  private func ociCandidates(_ root: ArchiveRoot) throws -> [LoadCandidate] {
    let index = try root.decode(Index.self, from: try FileSystem.read(try root.file("index.json")), "index.json")
    var candidates: [LoadCandidate] = []
    for descriptor in index.manifests {
      var chosen = descriptor
      if MediaType.isIndex(descriptor.mediaType) {
        let nested = try root.decode(Index.self, from: try root.blob(descriptor.digest), "\(descriptor.digest)")
        let platform = Platform(architecture: Self.hostArchitecture, os: "linux")
        guard let match = nested.manifest(for: platform) ?? (nested.manifests.count == 1 ? nested.manifests[0] : nil)
        else {
          throw BerthError.invalid("invalid archive: no manifest for \(platform) in index \(descriptor.digest)")
        }
        chosen = match
      } else if !MediaType.isManifest(descriptor.mediaType) {
        continue
      }
      let manifest = try root.decode(Manifest.self, from: try root.blob(chosen.digest), "\(chosen.digest)")
      candidates.append(
        LoadCandidate(
          configPath: try root.blobPath(manifest.config.digest), expectedConfig: manifest.config.digest,
          layerPaths: try manifest.layers.map { try root.blobPath($0.digest) },
          tags: Self.loadTag(descriptor.annotations).map { [$0] } ?? []))
    }
    return candidates
  }

  /// The tag of an OCI index entry: containerd's full image name, else a ref name that is a
  /// whole reference (`busybox:latest`; a bare tag like `latest` names no repository).
  private static func loadTag(_ annotations: [String: String]?) -> Reference? {
    for key in ["io.containerd.image.name", "org.opencontainers.image.ref.name"] {
      guard let name = annotations?[key] else { continue }
      if key != "io.containerd.image.name" && !name.contains(":") && !name.contains("/") { continue }
      if let ref = try? parseReference(name), ref.digest == nil { return ref }
    }
    return nil
  }

  private static var hostArchitecture: String {
    #if arch(arm64)
    "arm64"
    #else
    "amd64"
    #endif
  }
}

/// An image `save` writes.
private struct SavedImage {
  var record: ImageRecord
  var tags: [Reference]
  var configBytes: [UInt8]
  var config: ImageConfig
  var manifest: Manifest
  var mtime: Int
}

/// One entry of `manifest.json` in a `docker save` archive.
private struct DockerManifestItem: Codable {
  var config: String
  var repoTags: [String]?
  var layers: [String]

  enum CodingKeys: String, CodingKey {
    case config = "Config"
    case repoTags = "RepoTags"
    case layers = "Layers"
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(config, forKey: .config)
    try c.encode(repoTags, forKey: .repoTags)  // null when untagged, as Docker writes it
    try c.encode(layers, forKey: .layers)
  }
}

/// An image found in an archive being loaded: paths inside the extracted archive.
private struct LoadCandidate {
  var configPath: String
  var expectedConfig: Digest?
  var layerPaths: [String]
  var tags: [Reference]
}

/// An image whose blobs and layers are stored, ready to register.
private struct PreparedImage {
  var id: Digest
  var manifest: Digest
  var config: ImageConfig
  var tags: [Reference]
}

/// Blobs and layers a load created, removed again when it fails.
private struct AddedContent {
  var blobs = Set<Digest>()
  var layers = Set<Digest>()
}

/// An extracted archive; paths in it are resolved without leaving it (symlinks in the archive
/// may point inside it, as Docker's shared `layer.tar` links do, but never outside).
private struct ArchiveRoot {
  let path: String

  init(_ dir: String) throws {
    guard let resolved = realpath(dir, nil) else { throw SystemError("realpath", dir) }
    defer { free(resolved) }
    path = String(cString: resolved)
  }

  /// The real path of a regular file named by a path relative to the archive root.
  func file(_ relative: String) throws -> String {
    let clean = try LayerArchive.safeRelativePath(relative)
    guard !clean.isEmpty, let resolved = realpath(path + "/" + clean, nil) else {
      throw BerthError.invalid("invalid archive: \(relative): no such file or directory")
    }
    defer { free(resolved) }
    let real = String(cString: resolved)
    guard real.hasPrefix(path + "/") else {
      throw BerthError.invalid("invalid archive: \(relative) points outside the archive")
    }
    var st = stat()
    guard stat(real, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
      throw BerthError.invalid("invalid archive: \(relative) is not a regular file")
    }
    return real
  }

  /// The path of a blob of an OCI layout.
  func blobPath(_ digest: Digest) throws -> String {
    try file("blobs/\(digest.algorithm)/\(digest.hex)")
  }

  /// The bytes of a blob of an OCI layout, verified against its digest.
  func blob(_ digest: Digest) throws -> [UInt8] {
    let bytes = try FileSystem.read(try blobPath(digest))
    guard digest.algorithm == "sha256" else {
      throw BerthError.invalid("invalid archive: unsupported digest algorithm: \(digest)")
    }
    let actual = Digest.sha256(of: bytes)
    guard actual == digest else {
      throw BerthError.invalid("invalid archive: digest mismatch: expected \(digest), got \(actual)")
    }
    return bytes
  }

  func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], _ what: String) throws -> T {
    do {
      return try JSONDecoder().decode(type, from: Data(bytes))
    } catch {
      throw BerthError.invalid("invalid archive: \(what): \(error)")
    }
  }
}
