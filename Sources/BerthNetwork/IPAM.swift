import BerthOCI
import BerthSystem

/// Address management: which subnet a new network gets and which address a new endpoint gets.
/// Pure except for ``hostRoutes()``.
public enum IPAM {
  /// Docker's default address pools: 172.17.0.0/16 … 172.31.0.0/16, then 192.168.0.0/20 ….
  public static let defaultPools: [IPv4Subnet] =
    (17...31).compactMap { IPv4Address("172.\($0).0.0").map { IPv4Subnet($0, prefix: 16) } }
    + (0..<16).compactMap { IPv4Address("192.168.\($0 * 16).0").map { IPv4Subnet($0, prefix: 20) } }

  /// The first pool subnet that overlaps none of `taken` (host routes and other networks).
  public static func chooseSubnet(taken: [IPv4Subnet], pools: [IPv4Subnet] = defaultPools) -> IPv4Subnet? {
    pools.first { pool in !taken.contains { $0.prefix > 0 && $0.overlaps(pool) } }
  }

  /// The lowest free host address of subnet: not the network or broadcast address, not the
  /// gateway, not in `used`.
  /// With range (`--ip-range`), only addresses in it are given.
  public static func nextFree(
    in subnet: IPv4Subnet, range: IPv4Subnet? = nil, gateway: IPv4Address, used: Set<IPv4Address>
  ) -> IPv4Address? {
    guard subnet.prefix <= 30 else { return nil }
    var candidate = max(subnet.network.value + 1, range?.network.value ?? 0)
    let end = min(subnet.broadcast.value, (range?.broadcast.value).map { $0 + 1 } ?? .max)
    while candidate < end {
      let address = IPv4Address(candidate)
      if address != gateway && !used.contains(address) { return address }
      candidate += 1
    }
    return nil
  }

  /// The host's IPv4 routes (destination subnets, the default route excluded) from /proc/net/route.
  public static func hostRoutes(table: String = "/proc/net/route") -> [IPv4Subnet] {
    guard let bytes = try? FileSystem.read(table) else { return [] }
    return parseRouteTable(String(decoding: bytes, as: UTF8.self))
  }

  /// Parses /proc/net/route text (little-endian hex destination and mask).
  public static func parseRouteTable(_ text: String) -> [IPv4Subnet] {
    text.split(separator: "\n").dropFirst().compactMap { line in
      let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard f.count >= 8, let dst = UInt32(f[1], radix: 16), let mask = UInt32(f[7], radix: 16), mask != 0 else {
        return nil
      }
      return IPv4Subnet(IPv4Address(dst.byteSwapped), prefix: mask.nonzeroBitCount)
    }
  }
}
