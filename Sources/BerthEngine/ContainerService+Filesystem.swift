import BerthImage
import BerthOCI
import BerthSystem
import CBerth

#if canImport(Glibc)
import Glibc
#endif

/// A container's filesystem as a root that `cp`, `export` and `commit` resolve paths in.
extension ContainerService {
  /// How a container's filesystem is reached.
  enum RootView {
    /// The running container's own view (`/proc/<pid>/root`: its mounts included), or for a
    /// stopped one an overlay of its layers; writable.
    case live
    /// An overlay of the image's layers and the container's writable layer, read-only: the
    /// filesystem without anything mounted in it.
    case layers
  }

  /// Opens the filesystem of container c. The overlays are detached mounts (new mount API) in
  /// no mount namespace: nothing is ever mounted on the host, and closing the root frees them.
  func openRoot(_ c: ContainerRecord, view: RootView) throws -> RootedDirectory {
    if view == .live, c.state == .running || c.state == .paused,
      Processes.isAlive(pid: c.pid, startTime: c.pidStart)
    {
      // Through a descriptor of /proc/PID, checked to be the container's init after it was
      // opened: a pid reused by another process (whose root may be the host's) is never used.
      let proc = "/proc/\(c.pid)"
      let dir = try syscall("open", proc) { open(proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
      defer { close(dir) }
      guard Processes.isAlive(pid: c.pid, startTime: c.pidStart) else {
        throw BerthError.conflict("Container \(c.id) is not running")
      }
      let fd = try syscall("open", proc + "/root") { openat(dir, "root", BERTH_O_PATH | O_DIRECTORY | O_CLOEXEC) }
      return RootedDirectory(adopting: fd, display: "")
    }
    let dir = paths.container(c.id)
    let imageConfig = try images.decodeConfig(c.imageID)
    var lowers = images.layerDirectories(of: imageConfig)
    let fd: Int32
    if view == .live {
      if lowers.isEmpty { lowers = [dir + "/rootfs"] }
      fd = berth_overlay_fd(lowers.joined(separator: ":"), dir + "/upper", dir + "/work")
    } else {
      lowers.insert(dir + "/upper", at: 0)
      if lowers.count < 2 { lowers.append(dir + "/rootfs") }
      fd = berth_overlay_fd(lowers.joined(separator: ":"), nil, nil)
    }
    if fd < 0 { throw SystemError("fsmount", "overlay of container \(c.shortID)", errno: -fd) }
    return RootedDirectory(adopting: fd, display: "")
  }

  /// The root to resolve a `cp` path in and the path inside it. A container that is not running
  /// has no mounts, so a path in one of its volumes or binds is reached in the volume's or the
  /// bind's source directory (as Docker mounts them for `cp` of a stopped container).
  func openCopyRoot(_ c: ContainerRecord, path: String, writing: Bool = false) throws -> (
    root: RootedDirectory, path: String
  ) {
    let clean = RootedDirectory.clean(path)
    let running = (c.state == .running || c.state == .paused) && Processes.isAlive(pid: c.pid, startTime: c.pidStart)
    if !running {
      let points = (c.config.mountPoints ?? []).filter { $0.type != .tmpfs }
      let matching = points.filter { clean == $0.destination || clean.hasPrefix($0.destination + "/") }
      if let point = matching.max(by: { $0.destination.count < $1.destination.count }) {
        if writing && !point.readWrite {
          throw BerthError.invalid("mounted volume is marked read-only")
        }
        let source = point.type == .bind ? point.source : volumeService.dataPath(point.name)
        let rest = String(clean.dropFirst(point.destination.count))
        return (try RootedDirectory(path: source), rest.isEmpty ? "/" : rest)
      }
    }
    return (try openRoot(c, view: .live), clean)
  }
}
