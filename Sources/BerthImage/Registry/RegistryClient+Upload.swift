import AsyncHTTPClient
import BerthOCI
import Foundation
import NIOCore

/// An open blob upload: where the next request goes and how many bytes the registry holds.
public struct UploadSession: Sendable {
  /// The repository the blob goes to.
  public var path: String
  /// The absolute URL of the session's next request (each response moves it).
  public var location: String
  /// Bytes the registry has received.
  public var offset: Int64
  /// The smallest chunk the registry accepts (`OCI-Chunk-Min-Length`), when it says.
  public var minimumChunk: Int?
}

extension RegistryClient {
  /// Opens an upload session (`POST /v2/<path>/blobs/uploads/`).
  public func startUpload(path: String) async throws -> UploadSession {
    let start = try await send(
      Call(
        method: .POST, target: "/v2/\(path)/blobs/uploads/", headers: [("Content-Length", "0")],
        scope: "repository:\(path):pull,push"))
    let startBody = try? await start.body.collect(upTo: 1 << 16)
    guard start.status == .accepted, let location = start.headers.first(name: "Location") else {
      throw BerthError(
        .unavailable,
        "starting an upload to \(host.domain)/\(path): \(start.status.code) \(start.status.reasonPhrase)"
          + (startBody.map { RegistryClient.errorDetail(Array(buffer: $0)) } ?? ""))
    }
    let base = try await baseURL()
    return UploadSession(
      path: path, location: RegistryClient.resolve(location, against: base + "/v2/\(path)/blobs/uploads/"),
      offset: 0, minimumChunk: start.headers.first(name: "OCI-Chunk-Min-Length").flatMap(Int.init))
  }

  /// Sends the bytes of `chunks` into the session, as Docker does: one streamed `PATCH` of
  /// unknown length when `chunkSize` is nil, else `PATCH`es of `chunkSize` bytes (at least the
  /// registry's minimum) with `Content-Range`, for registries or proxies that limit a request's
  /// size. `sent` gets the bytes the registry holds after each chunk.
  public func append<Chunks: AsyncSequence & Sendable>(
    _ chunks: Chunks, to session: UploadSession, chunkSize: Int? = nil, sent: @Sendable (Int64) -> Void = { _ in }
  ) async throws -> UploadSession where Chunks.Element == ByteBuffer {
    guard let chunkSize else {
      let response = try await patch(
        session, headers: [("Content-Type", "application/octet-stream")],
        body: { .stream(chunks, length: .unknown) })
      return try await accepted(response, session: session, added: nil)
    }
    let size = max(chunkSize, session.minimumChunk ?? 0, 1)
    var session = session
    var pending = ByteBuffer()
    func flush() async throws {
      let bytes = pending
      pending = ByteBuffer()
      let last = session.offset + Int64(bytes.readableBytes) - 1
      let response = try await patch(
        session,
        headers: [
          ("Content-Type", "application/octet-stream"), ("Content-Range", "\(session.offset)-\(last)"),
          ("Content-Length", "\(bytes.readableBytes)"),
        ], body: { .bytes(bytes) })
      session = try await accepted(response, session: session, added: Int64(bytes.readableBytes))
      sent(session.offset)
    }
    for try await piece in chunks {
      var chunk = piece
      while chunk.readableBytes > 0 {
        let take = min(size - pending.readableBytes, chunk.readableBytes)
        if var slice = chunk.readSlice(length: take) { pending.writeBuffer(&slice) }
        if pending.readableBytes == size { try await flush() }
      }
    }
    if pending.readableBytes > 0 { try await flush() }
    return session
  }

  /// Closes the session with the blob's digest (`PUT …?digest=`); the registry verifies it.
  public func finishUpload(_ session: UploadSession, digest: Digest) async throws {
    try await putBlob(session, digest: digest, length: 0, body: nil)
  }

  /// The `PUT ?digest=` that closes a session, with the blob's last (or only) bytes: a 201 and,
  /// when the registry names one, the same `Docker-Content-Digest`.
  func putBlob(
    _ session: UploadSession, digest: Digest, length: Int64, body: (@Sendable () -> HTTPClientRequest.Body)?
  ) async throws {
    let target = session.location + (session.location.contains("?") ? "&" : "?") + "digest=\(digest)"
    let put = try await send(
      Call(
        method: .PUT, target: target,
        headers: [("Content-Type", "application/octet-stream"), ("Content-Length", "\(length)")], body: body,
        scope: "repository:\(session.path):pull,push"))
    let putBody = try? await put.body.collect(upTo: 1 << 16)
    guard put.status == .created else {
      throw BerthError(
        .unavailable,
        "uploading blob \(digest) to \(host.domain)/\(session.path): \(put.status.code) \(put.status.reasonPhrase)"
          + (putBody.map { RegistryClient.errorDetail(Array(buffer: $0)) } ?? ""))
    }
    if let header = put.headers.first(name: "Docker-Content-Digest"), let said = try? Digest(parsing: header),
      said != digest
    {
      throw BerthError.invalid("uploading blob \(digest): the registry stored \(said)")
    }
  }

  private func patch(
    _ session: UploadSession, headers: [(String, String)], body: @escaping @Sendable () -> HTTPClientRequest.Body
  ) async throws -> HTTPClientResponse {
    try await send(
      Call(
        method: .PATCH, target: session.location, headers: headers, body: body,
        scope: "repository:\(session.path):pull,push"))
  }

  /// The session after a `PATCH` the registry must have answered 202, at the new `Location`,
  /// holding the bytes its `Range` header says (checked against `added` when known).
  private func accepted(_ response: HTTPClientResponse, session: UploadSession, added: Int64?) async throws
    -> UploadSession
  {
    let body = try? await response.body.collect(upTo: 1 << 16)
    guard response.status == .accepted else {
      throw BerthError(
        .unavailable,
        "uploading to \(host.domain)/\(session.path): PATCH: \(response.status.code) \(response.status.reasonPhrase)"
          + (body.map { RegistryClient.errorDetail(Array(buffer: $0)) } ?? ""))
    }
    var next = session
    if let location = response.headers.first(name: "Location") {
      next.location = RegistryClient.resolve(location, against: session.location)
    }
    // `Range: 0-<last>` (distribution) or `bytes=0-<last>`.
    let held = response.headers.first(name: "Range").flatMap { range in
      range.split(separator: "-").last.flatMap { Int64($0) }.map { $0 + 1 }
    }
    next.offset = held ?? (session.offset + (added ?? 0))
    if let added, let held, held != session.offset + added {
      throw BerthError(
        .unavailable,
        "uploading to \(host.domain)/\(session.path): the registry holds \(held) bytes, expected \(session.offset + added)"
      )
    }
    return next
  }
}
