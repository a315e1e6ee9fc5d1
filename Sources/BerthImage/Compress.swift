import BerthOCI
import BerthSystem
import CArchive
import Dispatch
import Foundation

import struct Crypto.SHA256

#if canImport(Glibc)
import Glibc
#endif

/// Compresses a layer for a push, using every core: the input is cut into 8 MiB pieces that are
/// compressed in parallel, each as its own gzip member (or zstd frame), written in order. A gzip
/// stream of several members (RFC 1952) and a zstd stream of several frames decompress to the
/// concatenation of their pieces with every reader Docker and the registries use.
public enum Compress {
  /// The size of one independently compressed piece.
  static let pieceSize = 8 << 20

  /// Compresses the file at `source` into `destination`; returns the compressed digest and size.
  public static func file(
    _ source: String, to destination: String, compression: LayerCompression
  ) throws -> (digest: Digest, size: Int64) {
    let input = try syscall("open", source) { open(source, O_RDONLY | O_CLOEXEC) }
    defer { close(input) }
    let output = try syscall("open", destination) {
      open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    }
    defer { close(output) }
    var hasher = SHA256()
    var written: Int64 = 0
    let width = max(1, ProcessInfo.processInfo.activeProcessorCount)
    var done = false
    while !done {
      var pieces: [[UInt8]] = []
      for _ in 0..<width {
        var piece = [UInt8](repeating: 0, count: pieceSize)
        var filled = 0
        while filled < pieceSize {
          let n = try syscall("read", source) {
            piece.withUnsafeMutableBytes { read(input, $0.baseAddress! + filled, pieceSize - filled) }
          }
          if n == 0 { break }
          filled += n
        }
        if filled < pieceSize { done = true }
        if filled > 0 || (pieces.isEmpty && written == 0 && done) {
          piece.removeSubrange(filled...)
          pieces.append(piece)
        }
        if done { break }
      }
      let results = Results(count: pieces.count)
      let batch = pieces
      DispatchQueue.concurrentPerform(iterations: batch.count) { index in
        results.set(index, Result { try compress(batch[index], compression: compression) })
      }
      for result in results.values {
        let bytes = try result.get()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        try FileSystem.writeAll(output, bytes, path: destination)
        written += Int64(bytes.count)
      }
    }
    try syscall("fsync", destination) { fsync(output) }
    return (Digest(sha256Hex: hexString(hasher.finalize())), written)
  }

  /// One piece, compressed whole in memory by libarchive's raw format with a gzip or zstd filter.
  static func compress(_ bytes: [UInt8], compression: LayerCompression) throws -> [UInt8] {
    if compression == .uncompressed { return bytes }
    guard let writer = archive_write_new() else { throw BerthError.internal("archive_write_new failed") }
    defer { archive_write_free(writer) }
    switch compression {
    case .gzip:
      archive_write_add_filter_gzip(writer)
      archive_write_set_filter_option(writer, "gzip", "compression-level", "6")
      archive_write_set_filter_option(writer, "gzip", "timestamp", nil)
    case .zstd:
      archive_write_add_filter_zstd(writer)
      archive_write_set_filter_option(writer, "zstd", "compression-level", "3")
    case .uncompressed: break
    }
    archive_write_set_format_raw(writer)
    archive_write_set_bytes_per_block(writer, 0)
    var capacity = bytes.count + bytes.count / 8 + 65536
    var out = [UInt8](repeating: 0, count: capacity)
    var used = 0
    let status = out.withUnsafeMutableBytes { buffer -> Int32 in
      guard archive_write_open_memory(writer, buffer.baseAddress, capacity, &used) == ARCHIVE_OK else { return -1 }
      guard let entry = archive_entry_new() else { return -1 }
      defer { archive_entry_free(entry) }
      archive_entry_set_pathname(entry, "layer.tar")
      archive_entry_set_filetype(entry, 0o100000)  // AE_IFREG
      archive_entry_set_size(entry, Int64(bytes.count))
      guard archive_write_header(writer, entry) == ARCHIVE_OK else { return -1 }
      let n = bytes.withUnsafeBytes { archive_write_data(writer, $0.baseAddress, $0.count) }
      guard n == bytes.count || bytes.isEmpty else { return -1 }
      return archive_write_close(writer)
    }
    guard status == ARCHIVE_OK else {
      throw BerthError.internal("compressing a layer: \(archiveMessage(writer))")
    }
    capacity = used
    out.removeSubrange(capacity...)
    return out
  }
}

/// Results of parallel work, one slot per index.
private final class Results: @unchecked Sendable {
  private var slots: [Result<[UInt8], any Error>?]
  private let lock = NSLock()

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ value: Result<[UInt8], any Error>) {
    lock.lock()
    slots[index] = value
    lock.unlock()
  }

  var values: [Result<[UInt8], any Error>] {
    slots.map { $0 ?? .failure(BerthError.internal("compression did not finish")) }
  }
}
