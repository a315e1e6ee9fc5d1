#if canImport(Glibc)
import Glibc
#endif

extension Mounts {
  /// Mounts an overlay filesystem at target: `lowerDirs` topmost first, changes going to
  /// `upperDir` (with `workDir` on the same filesystem). With no lower dir, `emptyDir` (an empty
  /// directory) stands in, as overlayfs needs at least one.
  public static func mountOverlay(
    lowerDirs: [String], upperDir: String, workDir: String, target: String, emptyDir: String
  ) throws(SystemError) {
    let lowers = lowerDirs.isEmpty ? [emptyDir] : lowerDirs
    let data = "lowerdir=\(lowers.joined(separator: ":")),upperdir=\(upperDir),workdir=\(workDir)"
    try syscall("mount", "overlay -> \(target)") { mount("overlay", target, "overlay", 0, data) }
  }
}
