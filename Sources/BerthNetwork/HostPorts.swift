import BerthSystem

#if canImport(Glibc)
import Glibc
#endif

/// Host ports: whether a process on the host already listens on one, and a free one for
/// `-p 80` and `-P` (from the kernel's ephemeral range, as Docker does).
public enum HostPorts {
  /// Whether binding hostIP:port (proto tcp or udp) would fail because it is in use.
  public static func isBusy(hostIP: String, port: Int, proto: String) -> Bool {
    let type = proto == "udp" ? Int32(SOCK_DGRAM.rawValue) : Int32(SOCK_STREAM.rawValue)
    let fd = socket(AF_INET, type | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = UInt16(port).bigEndian
    addr.sin_addr.s_addr = (IPv4Address(hostIP)?.value ?? 0).bigEndian
    let rc = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return rc < 0 && errno == EADDRINUSE
  }

  /// The kernel's ephemeral port range (`/proc/sys/net/ipv4/ip_local_port_range`).
  public static func ephemeralRange() -> ClosedRange<Int> {
    let text = (try? FileSystem.read("/proc/sys/net/ipv4/ip_local_port_range")).map {
      String(decoding: $0, as: UTF8.self)
    }
    let parts = text?.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) } ?? []
    guard parts.count == 2, parts[0] <= parts[1] else { return 32768...60999 }
    return parts[0]...parts[1]
  }
}
