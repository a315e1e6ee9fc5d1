import BerthImage
import BerthOCI
import BerthSystem
import CBerth

#if canImport(Glibc)
import Glibc
#endif

extension ContainerService {
  /// `docker export`: a tar of the container's whole filesystem (its image's layers with its own
  /// changes on top, whiteouts applied; nothing mounted in it) written to fd. Running or not,
  /// the filesystem is read through a detached read-only overlay, never mounted on the host.
  public func export(_ ref: String, to fd: Int32) throws {
    let c = try get(ref)
    let root = try openRoot(c, view: .layers)
    let top = try root.open("/", BERTH_O_PATH | O_DIRECTORY)
    defer { close(top) }
    let archive = try TreeArchive(fd: fd)
    var walker = TreeWalker()
    try walker.walk(fd: top, as: ".") { entry, file in
      if entry.name != "." { try archive.add(entry, contents: file) }
    }
    try archive.close()
  }
}
