import BerthSystem

#if canImport(Glibc)
import Glibc
#endif

extension Firewall {
  /// The nftables ruleset generation (`NFT_MSG_GETGEN` over `NETLINK_NETFILTER`): a number the
  /// kernel bumps on every change to any rule, so one syscall round trip tells whether the
  /// rules are still as Berth last checked them (iptables here is iptables-nft). nil when the
  /// kernel has no nftables.
  public static func rulesetGeneration() -> UInt32? {
    let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 12)  // NETLINK_NETFILTER
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var tv = timeval(tv_sec: 1, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    // nlmsghdr (16 bytes) + nfgenmsg (family, version, res_id): NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETGEN.
    var request = NetlinkMessage(type: 10 << 8 | 16, flags: 0)
    request.append(UInt8(0))
    request.append(UInt8(0))
    request.append(UInt16(0))
    let bytes = request.finished(sequence: 1)
    guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else { return nil }
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      var n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if n < 0 && errno == EINTR { continue }
      guard n >= 20 else { return nil }
      let type = Netlink.read(UInt16.self, buffer, 4)
      if type == Netlink.messageError {
        if Netlink.read(Int32.self, buffer, 16) != 0 { return nil }
        continue  // the acknowledgement
      }
      guard type == 10 << 8 | 15 else { continue }  // NFT_MSG_NEWGEN
      n = min(n, Int(Netlink.read(UInt32.self, buffer, 0)))
      var offset = 20
      while offset + 8 <= n {
        let length = Int(Netlink.read(UInt16.self, buffer, offset))
        let attr = Netlink.read(UInt16.self, buffer, offset + 2) & 0x3fff
        if attr == 1 && length >= 8 { return UInt32(bigEndian: Netlink.read(UInt32.self, buffer, offset + 4)) }
        guard length >= 4 else { break }
        offset += (length + 3) & ~3
      }
      return nil
    }
  }
}
