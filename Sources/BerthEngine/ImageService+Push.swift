import BerthImage
import BerthOCI
import BerthSystem
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

extension ImageService {
  /// `docker push`: uploads the image `name` (tag `latest` by default) to its registry. Local
  /// layers are stored uncompressed; each is compressed here (gzip, or zstd), on every core,
  /// straight into its upload, `maxConcurrentUploads` layers at once. A blob the repository
  /// already has is skipped (found by the digest recorded at the last push or pull), one another
  /// repository of the same registry has is mounted, and a foreign layer keeps its descriptor. The manifest is Docker's schema 2 for gzip (what dockerd pushes) and OCI for
  /// zstd. Returns the manifest's digest.
  @discardableResult
  public func push(
    _ name: String, compression: LayerCompression = .gzip, options: RegistryOptions = RegistryOptions(),
    progress: @escaping TransferProgress = { _ in }
  ) async throws -> Digest {
    let reference = try parseReference(name)
    guard let tag = reference.tag, reference.digest == nil else {
      throw BerthError.invalid("cannot push a digest reference")
    }
    guard let image = try find(reference.string), image.tags.contains(reference.string) else {
      throw BerthError.notFound("An image does not exist locally with the tag: \(reference.familiarName)")
    }
    progress(.status("The push refers to repository [\(reference.name)]"))
    let client = try options.client(for: reference)
    do {
      let digest = try await push(
        image, reference: reference, tag: tag, compression: compression, client: client, options: options,
        progress: progress)
      await client.shutdown()
      return digest
    } catch {
      await client.shutdown()
      throw error
    }
  }

  private func push(
    _ image: ImageRecord, reference: Reference, tag: String, compression: LayerCompression, client: RegistryClient,
    options: RegistryOptions, progress: @escaping TransferProgress
  ) async throws -> Digest {
    let path = reference.path
    let configBytes = try content.read(image.id)
    let config = try JSONDecoder().decode(ImageConfig.self, from: Data(configBytes))
    let diffIDs = config.rootfs.diffIDs
    for diffID in diffIDs.reversed() {
      progress(.layer(id: diffID.shortID, status: "Preparing", current: nil, total: nil))
    }
    let oci = compression == .zstd
    let layerType =
      switch compression {
      case .gzip: MediaType.dockerLayerGzip
      case .zstd: MediaType.ociLayerZstd
      case .uncompressed: MediaType.dockerLayer
      }
    var descriptors = [Descriptor?](repeating: nil, count: diffIDs.count)
    try await withThrowingTaskGroup(of: (Int, Descriptor).self) { group in
      var next = 0
      func startNext() {
        guard next < diffIDs.count else { return }
        let index = next
        next += 1
        group.addTask {
          let descriptor = try await self.pushLayer(
            diffIDs[index], mediaType: layerType, compression: compression, reference: reference, client: client,
            chunkSize: options.uploadChunkSize, progress: progress)
          return (index, descriptor)
        }
      }
      for _ in 0..<options.maxConcurrentUploads { startNext() }
      while let (index, descriptor) = try await group.next() {
        descriptors[index] = descriptor
        startNext()
      }
    }
    let configDescriptor = Descriptor(
      mediaType: oci ? MediaType.ociConfig : MediaType.dockerConfig, digest: image.id, size: Int64(configBytes.count))
    if try await !client.hasBlob(path: path, digest: image.id) {
      try await client.uploadBlob(path: path, digest: image.id, size: Int64(configBytes.count), bytes: configBytes)
    }
    let manifest = Manifest(
      schemaVersion: 2, mediaType: oci ? MediaType.ociManifest : MediaType.dockerManifest, config: configDescriptor,
      layers: descriptors.compactMap { $0 })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let bytes = Array(try encoder.encode(manifest))
    let digest = try await client.putManifest(
      path: path, reference: tag, bytes: bytes, mediaType: manifest.mediaType ?? MediaType.ociManifest)
    try store.write { db in
      try db.execute(
        sql: "INSERT OR REPLACE INTO repo_digests (name, image_id) VALUES (?, ?)",
        arguments: ["\(reference.name)@\(digest)", image.id.description])
    }
    progress(.status("\(tag): digest: \(digest) size: \(bytes.count)"))
    return digest
  }

  /// Pushes one layer, or finds it already there, or mounts it; returns its descriptor.
  private func pushLayer(
    _ diffID: Digest, mediaType: String, compression: LayerCompression, reference: Reference,
    client: RegistryClient, chunkSize: Int?, progress: @escaping TransferProgress
  ) async throws -> Descriptor {
    let id = diffID.shortID
    let path = reference.path
    if let foreign = try foreignLayer(diffID) {
      progress(.layer(id: id, status: "Skipped foreign layer", current: nil, total: nil))
      return foreign
    }
    let sources = try blobSources(of: diffID).filter {
      MediaType.layerCompression($0.mediaType) == compression
    }
    for source in sources where source.registry == reference.domain && source.repository == path {
      if try await client.hasBlob(path: path, digest: source.digest) {
        progress(.layer(id: id, status: "Layer already exists", current: nil, total: nil))
        return Descriptor(mediaType: mediaType, digest: source.digest, size: source.size)
      }
    }
    for source in sources where source.registry == reference.domain && source.repository != path {
      if try await client.mountBlob(path: path, digest: source.digest, from: source.repository) {
        try recordSource(diffID, source.digest, mediaType, source.size, reference)
        progress(.layer(id: id, status: "Mounted from \(source.repository)", current: nil, total: nil))
        return Descriptor(mediaType: mediaType, digest: source.digest, size: source.size)
      }
    }
    for source in sources where source.registry != reference.domain {
      if try await client.hasBlob(path: path, digest: source.digest) {
        try recordSource(diffID, source.digest, mediaType, source.size, reference)
        progress(.layer(id: id, status: "Layer already exists", current: nil, total: nil))
        return Descriptor(mediaType: mediaType, digest: source.digest, size: source.size)
      }
    }
    progress(.layer(id: id, status: "Pushing", current: 0, total: content.size(of: diffID)))
    let (digest, size) = try await upload(
      diffID, compression: compression, path: path, client: client, chunkSize: chunkSize,
      progress: progress)
    try recordSource(diffID, digest, mediaType, size, reference)
    progress(.layer(id: id, status: "Pushed", current: nil, total: nil))
    return Descriptor(mediaType: mediaType, digest: digest, size: size)
  }

  /// Compresses a layer straight into an upload: a thread compresses on every core into a
  /// bounded pipe that the upload streams out of, hashing as it goes, and the session is closed
  /// with the digest once the last piece is out. Nothing is written to disk.
  private func upload(
    _ diffID: Digest, compression: LayerCompression, path: String, client: RegistryClient, chunkSize: Int?,
    progress: @escaping TransferProgress
  ) async throws -> (Digest, Int64) {
    let id = diffID.shortID
    let source = content.path(of: diffID)
    let total = content.size(of: diffID)
    var session = try await client.startUpload(path: path)
    let pipe = BytePipe()
    let compressed = Task {
      try await offload {
        do {
          let result = try Compress.stream(source, compression: compression) { bytes, consumed in
            try pipe.send(bytes)
            progress(.layer(id: id, status: "Pushing", current: consumed, total: total))
          }
          pipe.finish()
          return result
        } catch {
          pipe.finish(throwing: error)
          throw error
        }
      }
    }
    do {
      session = try await client.append(pipe, to: session, chunkSize: chunkSize)
    } catch {
      pipe.cancel()
      _ = try? await compressed.value
      throw error
    }
    let (digest, size) = try await compressed.value
    guard session.offset == size else {
      throw BerthError(
        .unavailable, "uploading layer \(id): the registry received \(session.offset) of \(size) bytes")
    }
    try await client.finishUpload(session, digest: digest)
    return (digest, size)
  }

  /// The descriptor a foreign (non-distributable) layer was pulled with; Docker never pushes
  /// such a layer, its manifest keeps that descriptor with its URLs.
  private func foreignLayer(_ diffID: Digest) throws -> Descriptor? {
    let text = try store.read { db in
      try String.fetchOne(
        db, sql: "SELECT descriptor FROM foreign_layers WHERE diff_id = ?", arguments: [diffID.description])
    }
    return try text.map { try JSONDecoder().decode(Descriptor.self, from: Data($0.utf8)) }
  }

  /// A compressed form of a layer known to live in a registry's repository.
  struct BlobSource {
    var digest: Digest
    var mediaType: String
    var size: Int64
    var registry: String
    var repository: String
  }

  /// Where compressed forms of a layer are known to be.
  private func blobSources(of diffID: Digest) throws -> [BlobSource] {
    try store.read { db in
      let rows = try Row.fetchAll(
        db, sql: "SELECT * FROM blob_sources WHERE diff_id = ?", arguments: [diffID.description])
      var sources: [BlobSource] = []
      for row in rows {
        let text: String = row["digest"]
        guard let digest = try? Digest(parsing: text) else { continue }
        sources.append(
          BlobSource(
            digest: digest, mediaType: row["media_type"], size: row["size"], registry: row["registry"],
            repository: row["repository"]))
      }
      return sources
    }
  }

  private func recordSource(
    _ diffID: Digest, _ digest: Digest, _ mediaType: String, _ size: Int64, _ reference: Reference
  ) throws {
    try store.write { db in
      try db.execute(
        sql: """
          INSERT OR REPLACE INTO blob_sources (diff_id, digest, media_type, size, registry, repository)
          VALUES (?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          diffID.description, digest.description, mediaType, size, reference.domain, reference.path,
        ])
    }
  }
}
