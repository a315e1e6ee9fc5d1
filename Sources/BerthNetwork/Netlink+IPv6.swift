import BerthSystem

#if canImport(Glibc)
import Glibc
#endif

/// IPv6 addresses and routes, for networks made with `--ipv6`.
extension Netlink {
  /// `IFA_F_NODAD`: the address is usable at once, without duplicate address detection (as
  /// Docker adds its addresses; the IPAM already made it unique on the network).
  static let noDAD: UInt8 = 0x02

  /// Adds an IPv6 address (with its prefix route) to a link.
  public func addAddress(_ address: IPv6Address, prefix: Int, index: Int32, name: String) throws {
    let m = Self.newAddressMessage(family: AF_INET6, address.bytes, prefix: prefix, flags: Self.noDAD, index: index)
    try addAddress(m, "\(address)/\(prefix)", to: name)
  }

  /// Adds the IPv6 default route via gateway on link index.
  public func addDefaultRoute(via gateway: IPv6Address, index: Int32) throws {
    try request(
      Self.defaultRouteMessage(family: AF_INET6, gateway.bytes, index: index), "add IPv6 default route via \(gateway)")
  }

  /// Turns IPv6 on for a host link (`net.ipv6.conf.NAME.disable_ipv6 = 0`), as Docker does for
  /// an IPv6 network's bridge. A host without IPv6 has no such file: nothing to do.
  public static func enableIPv6(on name: String) throws {
    let path = "/proc/sys/net/ipv6/conf/\(name)/disable_ipv6"
    guard let current = try? FileSystem.read(path), current.first != UInt8(ascii: "0") else { return }
    try FileSystem.write(path, Array("0\n".utf8))
  }

  /// Turns IPv6 forwarding on (`net.ipv6.conf.all.forwarding = 1`), as Docker's bridge driver
  /// does for an IPv6 network, so that a routed prefix reaches its containers. Like Docker's,
  /// this makes the host stop accepting router advertisements on links with `accept_ra = 1`.
  public static func enableIPv6Forwarding() {
    let path = "/proc/sys/net/ipv6/conf/all/forwarding"
    guard let current = try? FileSystem.read(path), current.first == UInt8(ascii: "0") else { return }
    try? FileSystem.write(path, Array("1\n".utf8))
  }
}
