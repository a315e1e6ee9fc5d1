import BerthImage
import BerthOCI
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What `HEAD /containers/{id}/archive` tells about a path (Docker's `ContainerPathStat`).
public struct ContainerPathStat: Sendable, Equatable {
  /// The path's last component.
  public var name: String
  public var size: Int64
  /// Go's `os.FileMode` bits: permissions, plus 1<<31 for a directory, 1<<27 for a symlink.
  public var mode: UInt32
  /// RFC 3339.
  public var modified: String
  /// The target of a symlink (empty otherwise).
  public var linkTarget: String
  /// Whether it is a directory (after following a symlink named as the path).
  public var isDirectory: Bool
}

extension ContainerService {
  /// The status of path in a container's filesystem, its last symlink not followed (as
  /// Docker's `stat` of `docker cp`); resolved inside the container's root.
  public func pathStat(_ ref: String, path: String) throws -> ContainerPathStat {
    let c = try get(ref)
    let (root, clean) = try openCopyRoot(c, path: path)
    let shown = RootedDirectory.clean(path)
    guard let st = try root.status(clean, followLast: false) else { throw notFoundInContainer(path, ref) }
    let type = st.st_mode & S_IFMT
    var mode = UInt32(st.st_mode & 0o7777)
    if type == S_IFDIR { mode |= 1 << 31 }
    if type == S_IFLNK { mode |= 1 << 27 }
    var target = ""
    var isDirectory = type == S_IFDIR
    if type == S_IFLNK {
      target = (try? root.readLink(clean)) ?? ""
      isDirectory =
        (try? root.status(clean, followLast: true)).flatMap { $0.map { ($0.st_mode & S_IFMT) == S_IFDIR } }
        ?? false
    }
    let seconds = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
    return ContainerPathStat(
      name: shown == "/" ? "/" : PathName.base(shown), size: Int64(st.st_size), mode: mode,
      modified: Timestamp.format(Date(timeIntervalSince1970: seconds)), linkTarget: target, isDirectory: isDirectory)
  }
}
