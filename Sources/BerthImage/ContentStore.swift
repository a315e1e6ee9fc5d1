import BerthOCI
import BerthSystem
import Foundation

import struct Crypto.SHA256

#if canImport(Glibc)
import Glibc
#endif

/// The OCI content store: blobs addressed by sha256 under `<root>/blobs/sha256/<hex>`.
///
/// A blob is written to `<root>/ingest/` while its digest is computed and becomes visible, by an
/// atomic rename, only once the digest is verified. Readers never see a partial blob.
public struct ContentStore: Sendable {
  /// The store's directory, `<data-root>/content`.
  public let root: String

  /// Opens (and makes) the store at root.
  public init(root: String) throws(SystemError) {
    self.root = root
    try FileSystem.makeDirectory(root + "/blobs/sha256")
    try FileSystem.makeDirectory(root + "/ingest")
  }

  /// Where a blob lives.
  public func path(of digest: Digest) -> String { "\(root)/blobs/sha256/\(digest.hex)" }

  /// Whether a blob is present.
  public func contains(_ digest: Digest) -> Bool { FileSystem.exists(path(of: digest)) }

  /// The bytes of a blob.
  public func read(_ digest: Digest) throws -> [UInt8] {
    guard contains(digest) else { throw BerthError.notFound("blob \(digest) not found") }
    return try FileSystem.read(path(of: digest))
  }

  /// Size of a blob in bytes.
  public func size(of digest: Digest) -> Int64 {
    var st = stat()
    return stat(path(of: digest), &st) == 0 ? Int64(st.st_size) : 0
  }

  /// Stores bytes, verifying them against expected when given; returns their digest.
  @discardableResult
  public func write(_ bytes: [UInt8], expected: Digest? = nil) throws -> Digest {
    let writer = try BlobWriter(store: self)
    try writer.write(bytes)
    return try writer.commit(expected: expected).digest
  }

  /// Removes a blob; a missing one is fine.
  public func delete(_ digest: Digest) {
    unlink(path(of: digest))
  }

  /// Every blob's digest.
  public func digests() -> [Digest] {
    FileSystem.list(root + "/blobs/sha256").compactMap { try? Digest(parsing: "sha256:" + $0) }
  }

  /// Removes partial blobs of writers that died (ingest files are named `<pid>-<random>`).
  public func removeStaleIngests() {
    FileSystem.removeEntriesOfDeadProcesses(in: root + "/ingest", pidField: 0)
  }
}

/// Streams one blob into the store: bytes are hashed as they are written; `commit` verifies and
/// publishes, `abort` (or deinit without commit) removes the partial file.
public final class BlobWriter {
  private let store: ContentStore
  private let tmpPath: String
  private var fd: Int32
  private var hasher = SHA256()
  /// Bytes written so far.
  public private(set) var size: Int64 = 0

  /// Starts a blob in the store's ingest directory.
  public init(store: ContentStore) throws(SystemError) {
    self.store = store
    tmpPath = "\(store.root)/ingest/\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    let path = tmpPath
    fd = try syscall("open", path) { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
  }

  deinit { abort() }

  /// Appends bytes.
  public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
    hasher.update(bufferPointer: bytes)
    var offset = 0
    while offset < bytes.count {
      let fd = self.fd
      let n = try syscall("write", tmpPath) { Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
      offset += n
    }
    size += Int64(bytes.count)
  }

  /// Appends bytes.
  public func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  /// Verifies the digest (when expected is given), syncs and publishes the blob.
  public func commit(expected: Digest? = nil) throws -> (digest: Digest, size: Int64) {
    let digest = Digest(sha256Hex: Hex.string(hasher.finalize()))
    if let expected, expected != digest {
      abort()
      throw BerthError.invalid("digest mismatch: expected \(expected), got \(digest)")
    }
    let path = tmpPath
    let fd = self.fd
    try syscall("fsync", path) { fsync(fd) }
    close(fd)
    self.fd = -1
    let final = store.path(of: digest)
    try syscall("rename", "\(path) -> \(final)") { rename(path, final) }
    FileSystem.syncDirectory(of: final)
    return (digest, size)
  }

  /// Drops the partial blob.
  public func abort() {
    if fd >= 0 {
      close(fd)
      fd = -1
      unlink(tmpPath)
    }
  }
}

extension Digest {
  /// The sha256 digest of bytes.
  public static func sha256(of bytes: some Sequence<UInt8>) -> Digest {
    var hasher = SHA256()
    hasher.update(data: Array(bytes))
    return Digest(sha256Hex: Hex.string(hasher.finalize()))
  }
}
