import BerthSystem

#if canImport(Glibc)
import Glibc
#endif

extension Firewall {
  /// A `NETLINK_NETFILTER` socket whose reads give up after a second; -1 when there is none.
  static func netfilterSocket() -> Int32 {
    let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 12)  // NETLINK_NETFILTER
    if fd >= 0 {
      var tv = timeval(tv_sec: 1, tv_usec: 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }
    return fd
  }

  /// The nftables ruleset generation (`NFT_MSG_GETGEN` over `NETLINK_NETFILTER`): a number the
  /// kernel bumps on every change to any rule, so one syscall round trip tells whether the
  /// rules are still as Berth last checked them (iptables here is iptables-nft). nil when the
  /// kernel has no nftables.
  public static func rulesetGeneration() -> UInt32? {
    let fd = netfilterSocket()
    guard fd >= 0 else { return nil }
    defer { close(fd) }
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

extension Firewall {
  /// Whether Berth's jumps are still in the built-in chains (`FORWARD` → `BERTH-FORWARD`,
  /// `PREROUTING` → `BERTH`, `POSTROUTING` → `BERTH-POSTROUTING`), asked of nftables over
  /// netlink (a rule dump per chain, searched for the target chain's name): a firewall reload,
  /// a flush or a reboot takes them away. nil when nftables cannot be asked.
  public static func jumpsPresent() -> Bool? {
    let probes = [
      ("filter", "FORWARD", "BERTH-FORWARD"), ("nat", "PREROUTING", "BERTH"),
      ("nat", "POSTROUTING", "BERTH-POSTROUTING"),
    ]
    for (table, chain, target) in probes {
      guard let dump = ruleDump(table: table, chain: chain) else { return nil }
      let needle = Array(target.utf8) + [0]
      if !contains(dump, needle) { return false }
    }
    return true
  }

  static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard haystack.count >= needle.count else { return false }
    for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
      if Array(haystack[i..<i + needle.count]) == needle { return true }
    }
    return false
  }

  /// The raw NFT_MSG_NEWRULE messages of one chain of an `ip` table; empty when the table or
  /// chain does not exist; nil when netlink fails.
  static func ruleDump(table: String, chain: String) -> [UInt8]? {
    let fd = netfilterSocket()
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    // NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETRULE, NLM_F_DUMP; nfgenmsg for NFPROTO_IPV4.
    var request = NetlinkMessage(type: 10 << 8 | 7, flags: 0x300)
    request.append(UInt8(2))
    request.append(UInt8(0))
    request.append(UInt16(0))
    request.attribute(1, string: table)  // NFTA_RULE_TABLE
    request.attribute(2, string: chain)  // NFTA_RULE_CHAIN
    let bytes = request.finished(sequence: 1)
    guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else { return nil }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if n < 0 && errno == EINTR { continue }
      guard n >= 16 else { return nil }
      var offset = 0
      while offset + 16 <= n {
        let length = Int(Netlink.read(UInt32.self, buffer, offset))
        let type = Netlink.read(UInt16.self, buffer, offset + 4)
        if type == 3 { return out }  // NLMSG_DONE
        if type == Netlink.messageError {
          let code = offset + 20 <= n ? Netlink.read(Int32.self, buffer, offset + 16) : -1
          return code == 0 ? out : (code == -ENOENT ? [] : nil)
        }
        guard length >= 16, offset + length <= n else { return nil }
        out += buffer[offset..<offset + length]
        offset += (length + 3) & ~3
      }
    }
  }
}
