import BerthImage
import BerthOCI
import Foundation
import Testing

/// Push-side compression: pieces compressed in parallel decompress to the original bytes, with
/// libarchive and with the system's gzip and zstd, and the same input gives the same digest.
struct CompressTests {
  @Test(arguments: [LayerCompression.gzip, .zstd])
  func roundTripOfSeveralPieces(_ compression: LayerCompression) throws {
    let dir = NSTemporaryDirectory() + "berth-compress-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir + "/content", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // 20 MiB + a bit: three pieces, mixed text and random bytes.
    var bytes = [UInt8]()
    for i in 0..<(20 << 10) { bytes += Array("line \(i) of a layer\n".utf8.prefix(1024)) }
    bytes += (0..<(1 << 20) + 12345).map { _ in UInt8.random(in: 0...255) }
    let source = dir + "/layer.tar"
    _ = FileManager.default.createFile(atPath: source, contents: Data(bytes))

    let first = try Compress.file(source, to: dir + "/a", compression: compression)
    let second = try Compress.file(source, to: dir + "/b", compression: compression)
    #expect(first.digest == second.digest)
    #expect(first.size < Int64(bytes.count))
    let store = try ContentStore(root: dir + "/content")
    let (digest, size) = try Decompress.storeUncompressed(dir + "/a", in: store)
    #expect(digest == Digest.sha256(of: bytes))
    #expect(size == Int64(bytes.count))
    let tool = compression == .gzip ? "gzip -dc" : "zstd -dcq"
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "\(tool) < \(dir)/a | cmp - \(source)"]
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
  }

  @Test func incompressiblePiecesAreStoredAndTheStreamMatchesTheFile() throws {
    let dir = NSTemporaryDirectory() + "berth-compress-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir + "/content", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // A random piece (stored, barely larger than its input) and a text piece (compressed).
    var bytes = (0..<(8 << 20)).map { _ in UInt8.random(in: 0...255) }
    for i in 0..<(3 << 14) { bytes += Array("text line \(i) of a layer\n".utf8.prefix(64)) }
    let source = dir + "/layer.tar"
    _ = FileManager.default.createFile(atPath: source, contents: Data(bytes))
    var streamed: [UInt8] = []
    var consumed: [Int64] = []
    let result = try Compress.stream(source, compression: .gzip) { piece, read in
      streamed += piece
      consumed.append(read)
    }
    #expect(consumed.last == Int64(bytes.count))
    #expect(consumed == consumed.sorted())
    #expect(result.size == Int64(streamed.count))
    #expect(result.digest == Digest.sha256(of: streamed))
    let file = try Compress.file(source, to: dir + "/a", compression: .gzip)
    #expect(file.digest == result.digest)
    #expect(result.size < Int64(8 << 20) + (1 << 20))
    #expect(result.size > Int64(8 << 20))
    let store = try ContentStore(root: dir + "/content")
    let (digest, _) = try Decompress.storeUncompressed(dir + "/a", in: store)
    #expect(digest == Digest.sha256(of: bytes))
  }
}
