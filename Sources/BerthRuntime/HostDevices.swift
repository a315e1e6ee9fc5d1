import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension RuntimeSpec {
  /// Every character and block device under the host's /dev, as `--privileged` gives them to a
  /// container (Docker and runc's `HostDevices`): created in the container's own /dev tmpfs with
  /// the host's mode, so that files the container makes in /dev never land on the host. Skips the
  /// per-container mounts (pts, shm, mqueue), fd and the console, as runc does.
  public static func hostDevices(root: String = "/dev") -> [Device] {
    var devices: [Device] = []
    collectDevices(root, into: &devices)
    return devices.sorted { $0.path < $1.path }
  }

  private static func collectDevices(_ dir: String, into devices: inout [Device]) {
    let skipped: Set<String> = ["pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev", "console"]
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
    for name in names where !skipped.contains(name) {
      let path = dir + "/" + name
      var st = stat()
      guard lstat(path, &st) == 0 else { continue }
      switch st.st_mode & S_IFMT {
      case S_IFDIR: collectDevices(path, into: &devices)
      case S_IFCHR, S_IFBLK:
        devices.append(
          Device(
            path: path, type: st.st_mode & S_IFMT == S_IFBLK ? "b" : "c", major: Int64(devMajor(UInt64(st.st_rdev))),
            minor: Int64(devMinor(UInt64(st.st_rdev))), fileMode: UInt32(st.st_mode & 0o7777)))
      default: continue
      }
    }
  }

  /// glibc's major() and minor() (macros Swift cannot import); the inverse of
  /// `SetupPlan.deviceNumber`.
  static func devMajor(_ dev: UInt64) -> UInt64 { ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff)) }
  static func devMinor(_ dev: UInt64) -> UInt64 { (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff)) }
}
