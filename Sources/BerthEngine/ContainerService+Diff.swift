import BerthOCI
import BerthSystem
import CBerth

#if canImport(Glibc)
import Glibc
#endif

/// One line of `docker diff`: a path of the container's filesystem that it changed.
public struct FilesystemChange: Sendable, Equatable {
  /// What happened to the path; the raw values are the Engine API's `Kind`.
  public enum Kind: Int, Sendable {
    case modified = 0, added = 1, deleted = 2

    /// `C`, `A` or `D`, as `docker diff` prints it.
    public var symbol: String { ["C", "A", "D"][rawValue] }
  }

  /// What happened.
  public var kind: Kind
  /// The absolute path in the container.
  public var path: String

  /// A change.
  public init(_ kind: Kind, _ path: String) {
    self.kind = kind
    self.path = path
  }
}

extension ContainerService {
  /// The changes of a container's filesystem against its image, from its writable layer alone
  /// (running or not), in Docker's order: a depth-first walk with names sorted, a directory
  /// before its contents.
  ///
  /// A whiteout is `D`; a path the image does not have is `A` (and so is everything under it); a
  /// file the image has is `C`; a directory the image has is `C` when its mode or owner changed,
  /// when it is opaque (its contents replaced; they are then `A`), or when something under it
  /// changed. What the runtime itself made (the mount points of /proc, /sys, /dev and the /etc
  /// files bind-mounted over) is left out, as Docker keeps those in a layer `diff` never shows.
  public func diff(_ ref: String) throws -> [FilesystemChange] {
    let c = try get(ref)
    let upper = paths.container(c.id) + "/upper"
    let lowers = images.layerDirectories(of: try images.decodeConfig(c.imageID))
    var walker = ChangeWalker(upper: upper, lowers: lowers)
    walker.skipped = ChangeWalker.runtimeArtifacts(upper: upper, lowers: lowers)
    walker.walk("", hidden: false)
    return walker.changes
  }
}

/// The walk of `diff`.
struct ChangeWalker {
  let upper: String
  let lowers: [String]
  var skipped: Set<String> = []
  var changes: [FilesystemChange] = []

  init(upper: String, lowers: [String]) {
    self.upper = upper
    self.lowers = lowers
  }

  /// Walks the upper directory `rel` ("" for the root); `hidden` when the image's contents of it
  /// are not visible (an opaque or added directory). Returns whether anything was reported.
  @discardableResult
  mutating func walk(_ rel: String, hidden: Bool) -> Bool {
    var reported = false
    let names = FileSystem.list(rel.isEmpty ? upper : upper + rel).sorted {
      Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
    }
    for name in names {
      let path = rel + "/" + name
      if skipped.contains(path) { continue }
      var st = stat()
      guard lstat(upper + path, &st) == 0 else { continue }
      let type = st.st_mode & S_IFMT
      if type == S_IFCHR && st.st_rdev == 0 {
        changes.append(.init(.deleted, path))
        reported = true
        continue
      }
      let below = hidden ? nil : lowerStatus(path)
      if type == S_IFDIR {
        let opaque = getxattr(upper + path, "trusted.overlay.opaque", nil, 0) == 1
        if let below, (below.st_mode & S_IFMT) == S_IFDIR {
          let position = changes.count
          let inner = walk(path, hidden: opaque)
          let changed = below.st_mode != st.st_mode || below.st_uid != st.st_uid || below.st_gid != st.st_gid
          if inner || opaque || changed {
            changes.insert(.init(.modified, path), at: position)
            reported = true
          }
        } else {
          changes.append(.init(below == nil ? .added : .modified, path))
          walk(path, hidden: true)
          reported = true
        }
      } else {
        changes.append(.init(below == nil ? .added : .modified, path))
        reported = true
      }
    }
    return reported
  }

  /// The status of path in the topmost image layer that has it; nil when none has it or a layer
  /// above whites it out (or hides it below an opaque directory).
  func lowerStatus(_ path: String) -> stat? {
    for dir in lowers {
      var st = stat()
      if lstat(dir + path, &st) == 0 {
        if (st.st_mode & S_IFMT) == S_IFCHR && st.st_rdev == 0 { return nil }
        return st
      }
      // An opaque directory on the way hides the layers below.
      var prefix = ""
      for part in path.split(separator: "/").dropLast() {
        prefix += "/" + part
        if getxattr(dir + prefix, "trusted.overlay.opaque", nil, 0) == 1 { return nil }
      }
    }
    return nil
  }

  /// What the runtime made in an upper directory (absolute container paths): the mount points
  /// of /proc, /sys, /dev and the bind-mounted /etc files when the image has none of them and
  /// they are still empty.
  static func runtimeArtifacts(upper: String, lowers: [String]) -> Set<String> {
    var result: Set<String> = []
    for rel in ["/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/proc", "/sys", "/dev", "/.dockerenv"] {
      var st = stat()
      guard lstat(upper + rel, &st) == 0 else { continue }
      let inImage = lowers.contains { FileSystem.exists($0 + rel) }
      guard !inImage else { continue }
      let type = st.st_mode & S_IFMT
      if (type == S_IFREG && st.st_size == 0) || (type == S_IFDIR && FileSystem.list(upper + rel).isEmpty) {
        result.insert(rel)
      }
    }
    return result
  }
}
