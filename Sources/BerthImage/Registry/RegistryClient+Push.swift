import AsyncHTTPClient
import BerthOCI
import Foundation
import NIOCore
import NIOPosix

extension RegistryClient {
  /// Whether the repository has the blob (`HEAD /v2/<path>/blobs/<digest>`).
  public func hasBlob(path: String, digest: Digest) async throws -> Bool {
    let response = try await send(
      Call(method: .HEAD, target: "/v2/\(path)/blobs/\(digest)", scope: "repository:\(path):pull,push"))
    _ = try? await response.body.collect(upTo: 1 << 16)
    return response.status == .ok
  }

  /// Asks the registry to mount a blob from another repository of the same registry; true when
  /// it did (201). Otherwise the upload session it opened is abandoned and the caller uploads.
  public func mountBlob(path: String, digest: Digest, from source: String) async throws -> Bool {
    let response = try await send(
      Call(
        method: .POST, target: "/v2/\(path)/blobs/uploads/?mount=\(digest)&from=\(source)",
        headers: [("Content-Length", "0")], scope: "repository:\(path):pull,push repository:\(source):pull"))
    _ = try? await response.body.collect(upTo: 1 << 16)
    return response.status == .created
  }

  /// Uploads a blob monolithically: POST opens the session, one PUT with `?digest=` sends the
  /// bytes from `file` (or `bytes`). The registry verifies the digest; so does the 201's
  /// `Docker-Content-Digest`.
  public func uploadBlob(
    path: String, digest: Digest, size: Int64, file: String? = nil, bytes: [UInt8]? = nil
  ) async throws {
    let session = try await startUpload(path: path)
    let body: @Sendable () -> HTTPClientRequest.Body
    if let bytes {
      body = { .bytes(ByteBuffer(bytes: bytes)) }
    } else if let file {
      body = { .stream(FileChunks(path: file), length: .known(size)) }
    } else {
      body = { .bytes(ByteBuffer()) }
    }
    try await putBlob(session, digest: digest, length: size, body: body)
  }

  /// Puts a manifest under a tag (or digest); returns the digest the registry reports, checked
  /// against the bytes' own.
  @discardableResult
  public func putManifest(path: String, reference: String, bytes: [UInt8], mediaType: String) async throws -> Digest {
    let digest = Digest.sha256(of: bytes)
    let response = try await send(
      Call(
        method: .PUT, target: "/v2/\(path)/manifests/\(reference)",
        headers: [("Content-Type", mediaType), ("Content-Length", "\(bytes.count)")],
        body: { .bytes(ByteBuffer(bytes: bytes)) }, scope: "repository:\(path):pull,push"))
    let body = try? await response.body.collect(upTo: 1 << 16)
    guard response.status == .created else {
      throw BerthError(
        .unavailable,
        "putting the manifest \(host.domain)/\(path):\(reference): \(response.status.code) \(response.status.reasonPhrase)"
          + (body.map { RegistryClient.errorDetail(Array(buffer: $0)) } ?? ""))
    }
    if let header = response.headers.first(name: "Docker-Content-Digest"), let said = try? Digest(parsing: header),
      said != digest
    {
      throw BerthError.invalid("putting the manifest: the registry stored \(said), expected \(digest)")
    }
    return digest
  }
}

/// A file's bytes as an async sequence of 1 MiB buffers, for streamed uploads.
struct FileChunks: AsyncSequence, Sendable {
  typealias Element = ByteBuffer
  let path: String

  struct AsyncIterator: AsyncIteratorProtocol {
    let handle: FileHandle?
    mutating func next() async throws -> ByteBuffer? {
      guard let handle, let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else {
        try? handle?.close()
        return nil
      }
      return ByteBuffer(bytes: data)
    }
  }

  func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: FileHandle(forReadingAtPath: path)) }
}
