import BerthOCI
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Unpacked layers: `<root>/<chain-id hex>/diff`, each unpacked once and shared read-only by every
/// image and container that uses it. A layer appears by an atomic rename of a finished directory.
public struct LayerStore: Sendable {
  /// `<data-root>/layers`.
  public let root: String

  /// Opens (and makes) the store.
  public init(root: String) throws(SystemError) {
    self.root = root
    try FileSystem.makeDirectory(root)
  }

  /// The chain id of a layer on top of parent (OCI image spec: sha256(parent + " " + diffID)).
  public static func chainID(parent: Digest?, diffID: Digest) -> Digest {
    guard let parent else { return diffID }
    return Digest.sha256(of: Array("\(parent) \(diffID)".utf8))
  }

  /// Chain ids of every layer of an image, bottom first.
  public static func chainIDs(diffIDs: [Digest]) -> [Digest] {
    var result: [Digest] = []
    for diff in diffIDs { result.append(chainID(parent: result.last, diffID: diff)) }
    return result
  }

  /// The directory of a layer's files (an overlay lower dir).
  public func diffPath(_ chainID: Digest) -> String { "\(root)/\(chainID.hex)/diff" }

  /// Whether a layer is unpacked.
  public func contains(_ chainID: Digest) -> Bool { FileSystem.exists(diffPath(chainID)) }

  /// Unpacks the archive at `path` as the layer `chainID`, unless it already is.
  public func unpack(archive path: String, as chainID: Digest) throws {
    if contains(chainID) { return }
    let tmp = "\(root)/.tmp-\(getpid())-\(chainID.hex.prefix(12))"
    try FileSystem.removeTree(tmp)
    try FileSystem.makeDirectory(tmp + "/diff")
    do {
      try LayerArchive.extract(archive: path, into: tmp + "/diff")
      try syscall("rename", "\(tmp) -> \(root)/\(chainID.hex)") { rename(tmp, "\(root)/\(chainID.hex)") }
    } catch {
      try? FileSystem.removeTree(tmp)
      throw error
    }
  }

  /// Removes a layer.
  public func remove(_ chainID: Digest) throws(SystemError) {
    try FileSystem.removeTree("\(root)/\(chainID.hex)")
  }

  /// Every unpacked layer.
  public func chainIDs() -> [Digest] {
    FileSystem.list(root).compactMap { $0.hasPrefix(".") ? nil : try? Digest(parsing: "sha256:" + $0) }
  }

  /// Removes half-unpacked layers left by a process that died.
  public func removeStaleTemporaries() {
    FileSystem.removeEntriesOfDeadProcesses(in: root, pidField: 1) { $0.hasPrefix(".tmp-") }
  }
}
