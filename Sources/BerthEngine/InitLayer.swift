import BerthSystem

#if canImport(Glibc)
import Glibc
#endif

/// The init layer: one read-only directory, shared by every container, that lies between a
/// container's image layers and its upper directory. It holds the mount points the runtime needs
/// (/proc, /sys, /dev) and the empty /etc files it bind-mounts over (hosts, hostname,
/// resolv.conf). Docker makes such a layer for each container; one shared layer means that a
/// start writes nothing into the upper directory (no copy-up of /etc, no mount points made), so
/// `rm` has nothing of the runtime's to unlink. As Docker's does, it hides the image's own
/// versions of these paths, which are mounted over anyway.
enum InitLayer {
  static let directories = ["proc", "sys", "dev", "etc"]
  static let files = ["etc/hosts", "etc/hostname", "etc/resolv.conf"]

  /// The layer's directory, made on first use. It is made aside and renamed into place, so
  /// concurrent starts agree on one complete layer.
  static func directory(in paths: Paths) throws -> String {
    let dir = paths.dataRoot + "/init-layer"
    if FileSystem.isDirectory(dir) { return dir }
    // "name-pid": Recovery removes what a crashed process left in tmp by the pid's field.
    let aside = paths.tmp + "/initlayer-\(getpid())"
    try? FileSystem.removeTree(aside)
    try FileSystem.makeDirectory(aside)
    for name in directories { try FileSystem.makeDirectory(aside + "/" + name) }
    for name in files { try FileSystem.write(aside + "/" + name, []) }
    if rename(aside, dir) != 0 {
      let error = SystemError("rename", dir)
      try? FileSystem.removeTree(aside)
      guard FileSystem.isDirectory(dir) else { throw error }
    }
    return dir
  }
}
