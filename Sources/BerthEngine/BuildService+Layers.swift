import BerthBuild
import BerthImage
import BerthOCI
import BerthSystem
import CBerth
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Engine {
  /// The builder on this engine's stores.
  public func builder() throws -> BuildService {
    try BuildService(paths: paths, images: images, containers: containers)
  }
}

extension BuildService {
  /// Mounts an overlay of state's image with a fresh upper directory, runs body on the merged
  /// directory, unmounts, and commits the upper directory as a layer (nil when nothing changed).
  /// The working directory is `<data-root>/tmp/build-<pid>-…`, which recovery removes (mount
  /// included) if this process dies.
  func withOverlay(on state: StageState, commit: Bool = true, _ body: (String) throws -> Void) throws -> Digest? {
    let dir = "\(paths.tmp)/build-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    for sub in ["upper", "work", "merged", "empty"] { try FileSystem.makeDirectory(dir + "/" + sub) }
    defer { try? FileSystem.removeTree(dir) }
    try Mounts.mountOverlay(
      lowerDirs: images.layerDirectories(of: state.config), upperDir: dir + "/upper", workDir: dir + "/work",
      target: dir + "/merged", emptyDir: dir + "/empty")
    do {
      try body(dir + "/merged")
    } catch {
      try? Mounts.unmount(dir + "/merged")
      throw error
    }
    try syscall("umount", dir + "/merged") { umount2(dir + "/merged", 0) }
    return commit ? try commitDirectory(dir + "/upper", onto: state) : nil
  }

  /// Turns an upper directory into a layer on top of state's image: its tar (normalised times)
  /// becomes a blob named by its diff id and the directory itself, renamed, the unpacked layer.
  /// Returns nil (and removes the directory) when it holds no change.
  func commitDirectory(_ dir: String, onto state: StageState) throws -> Digest? {
    if FileSystem.list(dir).isEmpty {
      try FileSystem.removeTree(dir)
      return nil
    }
    let blob = try BlobWriter(store: images.content)
    try LayerArchive.create(fromUpperDir: dir, into: blob, mtime: 0, normalizeOnDisk: true)
    let (diffID, _) = try blob.commit()
    let parentChain = LayerStore.chainIDs(diffIDs: state.config.rootfs.diffIDs).last
    try images.layers.adopt(directory: dir, as: LayerStore.chainID(parent: parentChain, diffID: diffID))
    return diffID
  }

  /// Removes from a RUN container's upper directory what the runtime, not the command, made: the
  /// mount points of /proc, /sys, /dev and the /etc files bind-mounted over (when the image has
  /// none and they are empty), and /etc when that leaves a bare copy of the image's. Docker keeps
  /// these in a separate init layer that is never committed.
  static func pruneRuntimeArtifacts(upper: String, lowerDirs: [String]) {
    func inLowers(_ rel: String) -> stat? {
      for dir in lowerDirs {
        var st = stat()
        if lstat(dir + "/" + rel, &st) == 0 { return st }
      }
      return nil
    }
    for rel in ["etc/hosts", "etc/hostname", "etc/resolv.conf", "proc", "sys", "dev/pipes", "dev", ".dockerenv"] {
      var st = stat()
      guard lstat(upper + "/" + rel, &st) == 0, inLowers(rel) == nil else { continue }
      let type = st.st_mode & S_IFMT
      if type == S_IFREG && st.st_size == 0 { unlink(upper + "/" + rel) }
      if type == S_IFDIR { rmdir(upper + "/" + rel) }  // only when empty
    }
    var st = stat()
    let etc = upper + "/etc"
    guard lstat(etc, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, FileSystem.list(etc).isEmpty else { return }
    guard getxattr(etc, "trusted.overlay.opaque", nil, 0) < 0 else { return }
    if let lower = inLowers("etc") {
      if lower.st_mode == st.st_mode && lower.st_uid == st.st_uid && lower.st_gid == st.st_gid { rmdir(etc) }
    } else {
      rmdir(etc)
    }
  }
}
