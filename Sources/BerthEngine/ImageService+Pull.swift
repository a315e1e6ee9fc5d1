import BerthImage
import BerthOCI
import BerthSystem
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

extension ImageService {
  /// `docker pull`: fetches `name` (tag or digest) for `platform` from its registry, verifying
  /// every manifest and blob; layers download `maxConcurrentDownloads` at a time and each is
  /// unpacked as soon as it arrives. A layer already in the store is not fetched; an interrupted
  /// download resumes. On failure the store holds nothing new but whole, verified blobs and layers.
  @discardableResult
  public func pull(
    _ name: String, platform: Platform? = nil, options: RegistryOptions = RegistryOptions(),
    progress: @escaping TransferProgress = { _ in }
  ) async throws -> ImageRecord {
    let reference = try parseReference(name)
    let client = try options.client(for: reference)
    do {
      let record = try await pull(reference, platform: platform, client: client, options: options, progress: progress)
      await client.shutdown()
      return record
    } catch {
      await client.shutdown()
      throw error
    }
  }

  /// `docker pull --all-tags`: every tag of the repository.
  public func pullAllTags(
    _ name: String, platform: Platform? = nil, options: RegistryOptions = RegistryOptions(),
    progress: @escaping TransferProgress = { _ in }
  ) async throws -> [ImageRecord] {
    var reference = try parseReference(name)
    let given = try? Reference(parsing: name)
    guard given?.tag == nil, given?.digest == nil else {
      throw BerthError.invalid("tag can't be used with --all-tags/-a")
    }
    let client = try options.client(for: reference)
    defer { Task { await client.shutdown() } }
    var records: [ImageRecord] = []
    for tag in try await client.tags(path: reference.path).sorted() {
      reference.tag = tag
      progress(.status("\(tag): Pulling from \(reference.familiarName)"))
      records.append(
        try await pull(reference, platform: platform, client: client, options: options, progress: progress))
    }
    return records
  }

  private func pull(
    _ reference: Reference, platform: Platform?, client: RegistryClient, options: RegistryOptions,
    progress: @escaping TransferProgress
  ) async throws -> ImageRecord {
    let path = reference.path
    let top = try await client.fetchManifest(
      path: path, reference: reference.digest?.description ?? reference.tag ?? Reference.defaultTag)
    var fetched = top
    let wanted = platform ?? Platform.defaultPlatform
    if MediaType.isIndex(top.mediaType) {
      let index = try JSONDecoder().decode(Index.self, from: Data(top.bytes))
      guard
        let entry = index.manifests.first(where: {
          MediaType.isManifest($0.mediaType) && $0.platform.map(wanted.matches) == true
        })
      else {
        throw BerthError.notFound("no matching manifest for \(wanted) in the manifest list entries")
      }
      fetched = try await client.fetchManifest(path: path, reference: entry.digest.description)
      guard fetched.digest == entry.digest else {
        throw BerthError.invalid("manifest \(entry.digest): digest mismatch: got \(fetched.digest)")
      }
    }
    guard MediaType.isManifest(fetched.mediaType) else {
      throw BerthError.invalid("\(reference.familiarString): unsupported manifest media type \(fetched.mediaType)")
    }
    let manifest = try JSONDecoder().decode(Manifest.self, from: Data(fetched.bytes))
    guard MediaType.isConfig(manifest.config.mediaType) else {
      throw BerthError.invalid(
        "\(reference.familiarString): not an image (config media type \(manifest.config.mediaType))")
    }
    let configBytes: [UInt8]
    if content.contains(manifest.config.digest) {
      configBytes = try content.read(manifest.config.digest)
    } else {
      configBytes = try await client.fetchSmallBlob(path: path, descriptor: manifest.config)
    }
    let config = try JSONDecoder().decode(ImageConfig.self, from: Data(configBytes))
    if let platform, !MediaType.isIndex(top.mediaType),
      config.os != platform.os || config.architecture != platform.architecture
    {
      throw BerthError.notFound(
        "image with reference \(reference.familiarString) was found but does not match the specified platform: wanted \(platform), actual: \(config.os)/\(config.architecture)"
      )
    }
    let diffIDs = config.rootfs.diffIDs
    guard diffIDs.count == manifest.layers.count else {
      throw BerthError.invalid(
        "\(reference.familiarString): the manifest has \(manifest.layers.count) layers, the config \(diffIDs.count)")
    }
    for layer in manifest.layers where MediaType.layerCompression(layer.mediaType) == nil {
      throw BerthError.invalid("\(reference.familiarString): unsupported layer media type \(layer.mediaType)")
    }
    let existing = try find(manifest.config.digest.description)
    let tagName = reference.digest == nil ? reference.string : nil
    let upToDate = existing != nil && (tagName.map { existing?.tags.contains($0) == true } ?? true)

    try await fetchLayers(
      manifest.layers, diffIDs: diffIDs, path: path, client: client, options: options, progress: progress)

    try content.write(configBytes, expected: manifest.config.digest)
    let localManifest = Manifest(
      schemaVersion: 2, mediaType: MediaType.ociManifest,
      config: Descriptor(mediaType: MediaType.ociConfig, digest: manifest.config.digest, size: manifest.config.size),
      layers: diffIDs.map { Descriptor(mediaType: MediaType.ociLayer, digest: $0, size: content.size(of: $0)) })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let localManifestDigest = try existing?.manifest ?? content.write(Array(encoder.encode(localManifest)))
    let tags = try tagName.map { [try Reference(parsing: $0)] } ?? []
    let record = try register(
      config: config, configDigest: manifest.config.digest, manifest: localManifestDigest, tags: tags)
    let repoDigest = "\(reference.name)@\(top.digest)"
    try store.write { db in
      try db.execute(
        sql: "INSERT OR REPLACE INTO repo_digests (name, image_id) VALUES (?, ?)",
        arguments: [repoDigest, record.id.description])
      for (layer, diffID) in zip(manifest.layers, diffIDs) where MediaType.isForeignLayer(layer.mediaType) {
        let descriptor = try JSONEncoder().encode(layer)
        try db.execute(
          sql: "INSERT OR REPLACE INTO foreign_layers (diff_id, descriptor) VALUES (?, ?)",
          arguments: [diffID.description, String(decoding: descriptor, as: UTF8.self)])
      }
      for (layer, diffID) in zip(manifest.layers, diffIDs) {
        try db.execute(
          sql: """
            INSERT OR REPLACE INTO blob_sources (diff_id, digest, media_type, size, registry, repository)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            diffID.description, layer.digest.description, layer.mediaType, layer.size, reference.domain, path,
          ])
      }
    }
    progress(.status("Digest: \(top.digest)"))
    progress(
      .status(
        upToDate
          ? "Status: Image is up to date for \(reference.familiarString)"
          : "Status: Downloaded newer image for \(reference.familiarString)"))
    return try resolve(record.id.description)
  }

  /// Downloads, verifies and unpacks the layers that are not here yet, a few at a time.
  private func fetchLayers(
    _ descriptors: [Descriptor], diffIDs: [Digest], path: String, client: RegistryClient, options: RegistryOptions,
    progress: @escaping TransferProgress
  ) async throws {
    let chains = LayerStore.chainIDs(diffIDs: diffIDs)
    var work: [(Descriptor, Digest, Digest)] = []
    for (i, descriptor) in descriptors.enumerated() {
      let id = descriptor.digest.shortID
      if layers.contains(chains[i]) && content.contains(diffIDs[i]) {
        progress(.layer(id: id, status: "Already exists", current: nil, total: nil))
      } else if !work.contains(where: { $0.2 == chains[i] }) {
        progress(.layer(id: id, status: "Pulling fs layer", current: nil, total: nil))
        work.append((descriptor, diffIDs[i], chains[i]))
      }
    }
    let downloads = content.root + "/downloads"
    try FileSystem.makeDirectory(downloads)
    try await withThrowingTaskGroup(of: Void.self) { group in
      var next = 0
      func startNext() {
        guard next < work.count else { return }
        let (descriptor, diffID, chain) = work[next]
        next += 1
        group.addTask {
          try await self.fetchLayer(
            descriptor, diffID: diffID, chain: chain, file: "\(downloads)/\(descriptor.digest.hex)", path: path,
            client: client, progress: progress)
        }
      }
      for _ in 0..<options.maxConcurrentDownloads { startNext() }
      while try await group.next() != nil { startNext() }
    }
  }

  private func fetchLayer(
    _ descriptor: Descriptor, diffID: Digest, chain: Digest, file: String, path: String, client: RegistryClient,
    progress: @escaping TransferProgress
  ) async throws {
    let id = descriptor.digest.shortID
    let total = descriptor.size
    let last = Throttle()
    try await client.download(path: path, descriptor: descriptor, to: file) { held in
      // One event per MiB at most keeps the output and the API stream light.
      if last.due(held, total: total) { progress(.layer(id: id, status: "Downloading", current: held, total: total)) }
    }
    progress(.layer(id: id, status: "Verifying Checksum", current: nil, total: nil))
    progress(.layer(id: id, status: "Download complete", current: nil, total: nil))
    progress(.layer(id: id, status: "Extracting", current: total, total: total))
    let content = self.content
    let layers = self.layers
    try await offload {
      if !content.contains(diffID) {
        let writer = try BlobWriter(store: content)
        try Decompress.stream(file, into: writer)
        _ = try writer.commit(expected: diffID)
      }
      try layers.unpack(archive: content.path(of: diffID), as: chain)
      unlink(file)
    }
    progress(.layer(id: id, status: "Pull complete", current: nil, total: nil))
  }

  /// The digests an image was pulled or pushed by, as `name@sha256:…`, in Docker's familiar form.
  public func repoDigests(of image: ImageRecord) throws -> [String] {
    try store.read { db in
      try String.fetchAll(
        db, sql: "SELECT name FROM repo_digests WHERE image_id = ? ORDER BY name", arguments: [image.id.description])
    }.map { name in
      guard let at = name.firstIndex(of: "@"), let ref = try? Reference(parsing: String(name[..<at])) else {
        return name
      }
      return ref.familiarName + name[at...]
    }
  }
}

/// Lets through one progress report per MiB (and the last one).
private final class Throttle: @unchecked Sendable {
  private var previous: Int64 = -1
  private let lock = NSLock()

  func due(_ held: Int64, total: Int64) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    guard held == total || held - previous >= 1 << 20 || previous < 0 else { return false }
    previous = held
    return true
  }
}
