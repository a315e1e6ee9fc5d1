import BerthOCI
import BerthSystem
import CArchive
import CDeflate
import Dispatch
import Foundation

import struct Crypto.SHA256

#if canImport(Glibc)
import Glibc
#endif

/// Compresses a layer for a push, using every core: the input is cut into 8 MiB pieces that are
/// compressed in parallel, each as its own gzip member (or zstd frame), emitted in order. A gzip
/// stream of several members (RFC 1952) and a zstd stream of several frames decompress to the
/// concatenation of their pieces with every reader Docker and the registries use.
///
/// The output depends only on the input bytes (fixed piece size and level, no timestamp, no core
/// count), so a layer compresses to the same digest on every push and a registry that has it
/// already is found by that digest. gzip pieces go through libdeflate (about twice zlib's speed);
/// a piece whose samples do not compress (random or already compressed data) is stored in
/// deflate's uncompressed blocks instead of being searched for matches that are not there.
public enum Compress {
  /// The size of one independently compressed piece.
  static let pieceSize = 8 << 20
  /// The gzip level: Docker's (Go's `gzip.DefaultCompression`).
  static let gzipLevel: Int32 = 6

  /// Compresses the file at `source` and hands each compressed piece, in order, to `sink`, with
  /// the count of input bytes consumed so far. Returns the digest and size of the whole output.
  /// A `sink` error ends the compression and is rethrown.
  public static func stream(
    _ source: String, compression: LayerCompression, into sink: ([UInt8], Int64) throws -> Void
  ) throws -> (digest: Digest, size: Int64) {
    let input = try syscall("open", source) { open(source, O_RDONLY | O_CLOEXEC) }
    defer { close(input) }
    var hasher = SHA256()
    var written: Int64 = 0
    var consumed: Int64 = 0
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
        if filled > 0 || (pieces.isEmpty && consumed == 0 && done) {
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
      for (index, result) in results.values.enumerated() {
        let bytes = try result.get()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        written += Int64(bytes.count)
        consumed += Int64(batch[index].count)
        try sink(bytes, consumed)
      }
    }
    return (Digest(sha256Hex: Hex.string(hasher.finalize())), written)
  }

  /// Compresses the file at `source` into `destination`; returns the compressed digest and size.
  public static func file(
    _ source: String, to destination: String, compression: LayerCompression
  ) throws -> (digest: Digest, size: Int64) {
    let output = try syscall("open", destination) {
      open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    }
    defer { close(output) }
    return try stream(source, compression: compression) { bytes, _ in
      try FileSystem.writeAll(output, bytes, path: destination)
    }
  }

  /// One piece, compressed whole in memory: gzip by libdeflate, zstd by libarchive's raw format.
  static func compress(_ bytes: [UInt8], compression: LayerCompression) throws -> [UInt8] {
    switch compression {
    case .uncompressed: return bytes
    case .gzip: return try gzip(bytes, level: compressible(bytes) ? gzipLevel : 0)
    case .zstd: return try zstd(bytes)
    }
  }

  /// Whether a piece is worth compressing: false when four 32 KiB samples spread over it each
  /// fail to shrink by 3% at the fastest level.
  static func compressible(_ bytes: [UInt8]) -> Bool {
    let sample = 32 << 10
    guard bytes.count >= 4 * sample, let compressor = libdeflate_alloc_compressor(1) else { return true }
    defer { libdeflate_free_compressor(compressor) }
    var out = [UInt8](repeating: 0, count: sample)
    let limit = sample * 97 / 100
    return bytes.withUnsafeBytes { input in
      out.withUnsafeMutableBytes { output in
        (0..<4).contains { i in
          let start = (bytes.count - sample) * i / 3
          // libdeflate returns 0 when the output does not fit in `limit` bytes.
          return libdeflate_deflate_compress(compressor, input.baseAddress! + start, sample, output.baseAddress, limit)
            != 0
        }
      }
    }
  }

  /// One gzip member (mtime 0) of `bytes` at `level` (0 stores).
  static func gzip(_ bytes: [UInt8], level: Int32) throws -> [UInt8] {
    guard let compressor = libdeflate_alloc_compressor(level) else {
      throw BerthError.internal("libdeflate_alloc_compressor(\(level)) failed")
    }
    defer { libdeflate_free_compressor(compressor) }
    let capacity = libdeflate_gzip_compress_bound(compressor, bytes.count)
    var out = [UInt8](repeating: 0, count: capacity)
    let used = bytes.withUnsafeBytes { input in
      out.withUnsafeMutableBytes { output in
        libdeflate_gzip_compress(compressor, input.baseAddress, input.count, output.baseAddress, capacity)
      }
    }
    guard used > 0 else { throw BerthError.internal("compressing a layer: libdeflate_gzip_compress failed") }
    out.removeSubrange(used...)
    return out
  }

  /// One zstd frame of `bytes` (level 3), through libarchive's raw format.
  static func zstd(_ bytes: [UInt8]) throws -> [UInt8] {
    guard let writer = archive_write_new() else { throw BerthError.internal("archive_write_new failed") }
    defer { archive_write_free(writer) }
    archive_write_add_filter_zstd(writer)
    archive_write_set_filter_option(writer, "zstd", "compression-level", "3")
    archive_write_set_format_raw(writer)
    archive_write_set_bytes_per_block(writer, 0)
    let capacity = bytes.count + bytes.count / 8 + 65536
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
    out.removeSubrange(used...)
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
