import BerthSystem
import CBerthNetwork

#if canImport(Glibc)
import Glibc
#endif

/// A route netlink socket (`AF_NETLINK`, `NETLINK_ROUTE`) in the host's namespace or, made by
/// ``inNamespace(of:interface:)``, in a container's. Requests are acknowledged one by one; an
/// error names the request and the kernel's errno.
public final class Netlink {
  static let flagRequest: UInt16 = 0x1
  static let flagAck: UInt16 = 0x4
  static let flagExclusive: UInt16 = 0x200
  static let flagCreate: UInt16 = 0x400
  static let newLink: UInt16 = 16
  static let deleteLink: UInt16 = 17
  static let newAddress: UInt16 = 20
  static let newRoute: UInt16 = 24
  static let messageError: UInt16 = 2

  let fd: Int32
  private var sequence: UInt32 = 0

  /// A socket in this process's network namespace.
  public init() throws {
    fd = try syscall("socket", "AF_NETLINK") {
      socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }
  }

  private init(fd: Int32) { self.fd = fd }

  deinit { close(fd) }

  /// A socket in the network namespace of process pid, and the index of `interface` there
  /// (0 when it does not exist).
  public static func inNamespace(of pid: Int32, interface: String) throws -> (Netlink, Int32) {
    var index: Int32 = 0
    let fd = berth_socket_in_netns(pid, AF_NETLINK, Int32(SOCK_RAW.rawValue), 0, interface, &index)
    if fd < 0 { throw SystemError("socket", "AF_NETLINK in the network namespace of \(pid)", errno: -fd) }
    return (Netlink(fd: fd), index)
  }

  /// Sends a request and waits for its acknowledgement; throws the kernel's error.
  func request(_ message: NetlinkMessage, _ what: @autoclosure () -> String) throws {
    sequence += 1
    let bytes = message.finished(sequence: sequence)
    try syscall("sendto", "netlink \(what())") { bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) } }
    var buffer = [UInt8](repeating: 0, count: 8192)
    while true {
      let n = try syscall("recv", "netlink \(what())") {
        buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      }
      var offset = 0
      while offset + 16 <= n {
        let length = Int(Self.read(UInt32.self, buffer, offset))
        let type = Self.read(UInt16.self, buffer, offset + 4)
        let seq = Self.read(UInt32.self, buffer, offset + 8)
        if type == Self.messageError && seq == sequence && offset + 20 <= n {
          let code = Self.read(Int32.self, buffer, offset + 16)
          if code == 0 { return }
          throw SystemError("netlink", what(), errno: -code)
        }
        guard length >= 16 else { break }
        offset += (length + 3) & ~3
      }
    }
  }

  static func read<T: FixedWidthInteger>(_: T.Type, _ buffer: [UInt8], _ offset: Int) -> T {
    buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
  }

  /// The index of a host interface, or nil.
  public static func index(of name: String) -> Int32? {
    let i = if_nametoindex(name)
    return i == 0 ? nil : Int32(i)
  }
}
