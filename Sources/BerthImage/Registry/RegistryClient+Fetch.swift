import AsyncHTTPClient
import BerthOCI
import BerthSystem
import Foundation
import NIOCore

import struct Crypto.SHA256

#if canImport(Glibc)
import Glibc
#endif

/// A manifest or index as the registry sent it: its exact bytes, media type and digest.
public struct FetchedManifest: Sendable {
  /// The bytes, whose sha256 is ``digest``.
  public var bytes: [UInt8]
  /// The `Content-Type` (or the body's `mediaType` field when the header is generic).
  public var mediaType: String
  /// sha256 of ``bytes``.
  public var digest: Digest
}

extension RegistryClient {
  /// The largest manifest accepted (containerd's and Docker's limit).
  public static let maximumManifestSize = 4 << 20

  /// The media types a pull accepts, in Docker's order.
  public static let manifestAccept = [
    MediaType.dockerManifestList, MediaType.dockerManifest, MediaType.ociIndex, MediaType.ociManifest,
  ]

  /// Fetches the manifest `reference` (a tag or a digest) of repository `path`, verifying it
  /// against the digest when the reference is one, and against `Docker-Content-Digest` otherwise.
  public func fetchManifest(path: String, reference: String) async throws -> FetchedManifest {
    let call = Call(
      target: "/v2/\(path)/manifests/\(reference)",
      headers: RegistryClient.manifestAccept.map { ("Accept", $0) }, scope: "repository:\(path):pull")
    let response = try await send(call)
    let name = "\(host.domain)/\(path)\(reference.contains(":") ? "@" : ":")\(reference)"
    guard response.status == .ok else {
      let body = try? await response.body.collect(upTo: 1 << 16)
      let detail = body.map { RegistryClient.errorDetail(Array(buffer: $0)) } ?? ""
      if response.status == .notFound {
        throw BerthError.notFound("manifest for \(name) not found\(detail.isEmpty ? ": manifest unknown" : detail)")
      }
      throw BerthError(
        .unavailable,
        "fetching the manifest of \(name): \(response.status.code) \(response.status.reasonPhrase)\(detail)"
      )
    }
    if let length = response.headers.first(name: "Content-Length").flatMap(Int.init),
      length > RegistryClient.maximumManifestSize
    {
      throw BerthError.invalid(
        "manifest for \(name) is \(length) bytes, over the \(RegistryClient.maximumManifestSize)-byte limit")
    }
    let bytes: [UInt8]
    do {
      bytes = Array(buffer: try await response.body.collect(upTo: RegistryClient.maximumManifestSize))
    } catch is NIOTooManyBytesError {
      throw BerthError.invalid("manifest for \(name) is over the \(RegistryClient.maximumManifestSize)-byte limit")
    }
    let digest = Digest.sha256(of: bytes)
    if let expected = try? Digest(parsing: reference), expected != digest {
      throw BerthError.invalid("manifest for \(name): digest mismatch: expected \(expected), got \(digest)")
    }
    if let header = response.headers.first(name: "Docker-Content-Digest"), let expected = try? Digest(parsing: header),
      expected.algorithm == "sha256", expected != digest
    {
      throw BerthError.invalid("manifest for \(name): digest mismatch: registry said \(expected), got \(digest)")
    }
    var mediaType = response.headers.first(name: "Content-Type")?.split(separator: ";").first.map(String.init) ?? ""
    if !MediaType.isManifest(mediaType) && !MediaType.isIndex(mediaType) {
      struct Probe: Decodable {
        var mediaType: String?
        var manifests: [Descriptor]?
        var schemaVersion: Int?
      }
      let probe = try? JSONDecoder().decode(Probe.self, from: Data(bytes))
      if probe?.schemaVersion == 1 {
        throw BerthError.invalid(
          "\(name): Docker image manifest schema 1 is not supported (push it again with a newer Docker)")
      }
      mediaType = probe?.mediaType ?? (probe?.manifests != nil ? MediaType.ociIndex : MediaType.ociManifest)
    }
    return FetchedManifest(bytes: bytes, mediaType: mediaType, digest: digest)
  }

  /// Fetches a small blob (an image config) into memory, verified.
  public func fetchSmallBlob(path: String, descriptor: Descriptor, limit: Int = 8 << 20) async throws -> [UInt8] {
    guard descriptor.size <= limit else {
      throw BerthError.invalid("blob \(descriptor.digest) is \(descriptor.size) bytes, over the \(limit)-byte limit")
    }
    let response = try await send(
      Call(target: "/v2/\(path)/blobs/\(descriptor.digest)", scope: "repository:\(path):pull"))
    guard response.status == .ok else {
      throw BerthError(.unavailable, "fetching blob \(descriptor.digest): \(response.status.code)")
    }
    let bytes: [UInt8]
    do {
      bytes = Array(buffer: try await response.body.collect(upTo: limit))
    } catch is NIOTooManyBytesError {
      throw BerthError.invalid("blob \(descriptor.digest) is over the \(limit)-byte limit")
    }
    let digest = Digest.sha256(of: bytes)
    guard digest == descriptor.digest else {
      throw BerthError.invalid("blob \(descriptor.digest): digest mismatch: got \(digest)")
    }
    return bytes
  }

  /// Downloads a blob to `file`, resuming from what the file already holds (HTTP Range), and
  /// verifies its size and digest. On a digest or size mismatch the file is removed; on a
  /// transport error it is kept for the next attempt. `progress` gets the bytes held so far.
  public func download(
    path: String, descriptor: Descriptor, to file: String, progress: @Sendable (Int64) -> Void = { _ in }
  ) async throws {
    var hasher = SHA256()
    var held: Int64 = 0
    let fd = try syscall("open", file) { open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
    defer { close(fd) }
    try syscall("flock", file) { flock(fd, LOCK_EX) }
    // Re-hash what an earlier attempt left, so the final digest covers the whole blob.
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let n = try syscall("read", file) { buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
      if n == 0 { break }
      buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
      held += Int64(n)
    }
    if held > descriptor.size {
      _ = ftruncate(fd, 0)
      _ = lseek(fd, 0, SEEK_SET)
      hasher = SHA256()
      held = 0
    }
    // A foreign layer comes from the registry when it has it, else from its URLs in order (Docker's order).
    let urls = (MediaType.isForeignLayer(descriptor.mediaType) ? descriptor.urls ?? [] : []).filter {
      $0.hasPrefix("http://") || $0.hasPrefix("https://")
    }
    let targets = ["/v2/\(path)/blobs/\(descriptor.digest)"] + urls
    progress(held)
    if held < descriptor.size {
      var response: HTTPClientResponse?
      var failures: [String] = []
      for target in targets {
        var call = Call(target: target, scope: "repository:\(path):pull")
        if held > 0 { call.headers.append(("Range", "bytes=\(held)-")) }
        let answer: HTTPClientResponse
        do {
          answer = try await send(call)
        } catch  where target != targets.last {
          failures.append("\(target): \(error)")
          continue
        }
        if answer.status.code == 404 || (target != targets[0] && ![200, 206].contains(answer.status.code)) {
          _ = try? await answer.body.collect(upTo: 1 << 16)
          failures.append("\(target): \(answer.status.code)")
          continue
        }
        response = answer
        break
      }
      guard let response else {
        throw BerthError.notFound(
          "blob \(descriptor.digest) not found in \(host.domain)/\(path)"
            + (urls.isEmpty ? "" : " nor at its URLs (\(failures.joined(separator: "; ")))"))
      }
      switch response.status.code {
      case 206: break
      case 200:
        if held > 0 {
          _ = ftruncate(fd, 0)
          _ = lseek(fd, 0, SEEK_SET)
          hasher = SHA256()
          held = 0
        }
      default:
        throw BerthError(
          .unavailable,
          "fetching blob \(descriptor.digest): \(response.status.code) \(response.status.reasonPhrase)")
      }
      do {
        for try await chunk in response.body {
          try chunk.withUnsafeReadableBytes { bytes in
            guard held + Int64(bytes.count) <= descriptor.size else {
              throw BerthError.invalid(
                "blob \(descriptor.digest): the registry sent more than the \(descriptor.size) bytes announced")
            }
            hasher.update(bufferPointer: bytes)
            var offset = 0
            while offset < bytes.count {
              let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
              if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("write", file)
              }
              offset += n
            }
            held += Int64(bytes.count)
          }
          progress(held)
        }
      } catch let error as BerthError {
        unlink(file)
        throw error
      } catch let error as SystemError {
        throw error
      } catch {
        throw BerthError(
          .unavailable,
          "fetching blob \(descriptor.digest): truncated after \(held) of \(descriptor.size) bytes (\(RegistryClient.describe(error))); pull again to resume"
        )
      }
    }
    guard held == descriptor.size else {
      throw BerthError(
        .unavailable, "fetching blob \(descriptor.digest): truncated: got \(held) of \(descriptor.size) bytes")
    }
    let digest = Digest(sha256Hex: Hex.string(hasher.finalize()))
    guard digest == descriptor.digest else {
      unlink(file)
      throw BerthError.invalid("blob \(descriptor.digest): digest mismatch: got \(digest)")
    }
  }

  /// The repository's tags (`GET /v2/<path>/tags/list`).
  public func tags(path: String) async throws -> [String] {
    let response = try await send(Call(target: "/v2/\(path)/tags/list", scope: "repository:\(path):pull"))
    let body = Array(buffer: try await response.body.collect(upTo: 16 << 20))
    guard response.status == .ok else {
      throw BerthError(.unavailable, "listing the tags of \(host.domain)/\(path): \(response.status.code)")
    }
    struct Tags: Decodable { var tags: [String]? }
    return (try JSONDecoder().decode(Tags.self, from: Data(body))).tags ?? []
  }
}
