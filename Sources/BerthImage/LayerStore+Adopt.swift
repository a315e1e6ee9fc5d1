import BerthOCI
import BerthSystem

#if canImport(Glibc)
import Glibc
#endif

extension LayerStore {
  /// Makes the directory at `path` (on the same filesystem as the store) the unpacked layer
  /// `chainID`, by renaming it into place; nothing is copied. When the layer is already there
  /// (the same change built before), `path` is removed instead.
  public func adopt(directory path: String, as chainID: Digest) throws {
    if contains(chainID) {
      try FileSystem.removeTree(path)
      return
    }
    let tmp = "\(root)/.tmp-\(getpid())-\(chainID.hex.prefix(12))"
    try FileSystem.removeTree(tmp)
    try FileSystem.makeDirectory(tmp)
    do {
      try syscall("rename", "\(path) -> \(tmp)/diff") { rename(path, tmp + "/diff") }
      FileSystem.syncDirectory(of: tmp + "/diff")
      try syscall("rename", "\(tmp) -> \(root)/\(chainID.hex)") { rename(tmp, "\(root)/\(chainID.hex)") }
      FileSystem.syncDirectory(of: "\(root)/\(chainID.hex)")
    } catch {
      try? FileSystem.removeTree(tmp)
      throw error
    }
  }
}
