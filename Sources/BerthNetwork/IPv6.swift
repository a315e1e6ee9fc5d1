import BerthOCI

/// An IPv6 address as a 128-bit number (the first byte most significant).
public struct IPv6Address: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The address as one number.
  public var value: UInt128

  /// The address with this value.
  public init(_ value: UInt128) { self.value = value }

  /// Parses RFC 4291 text (`2001:db8::1`, `::`, `::ffff:10.0.0.1`); nil when it is not an IPv6
  /// address (zones and brackets are not accepted).
  public init?(_ text: some StringProtocol) {
    let text = String(text)
    guard text.contains(":"), text.count <= 45 else { return nil }
    let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
    guard halves.count <= 2 else { return nil }
    func groups(_ part: String, last: Bool) -> [UInt16]? {
      if part.isEmpty { return [] }
      var out: [UInt16] = []
      let fields = part.split(separator: ":", omittingEmptySubsequences: false)
      for (i, f) in fields.enumerated() {
        if last && i == fields.count - 1 && f.contains(".") {
          guard let v4 = IPv4Address(f) else { return nil }
          out += [UInt16(v4.value >> 16), UInt16(v4.value & 0xffff)]
        } else {
          guard (1...4).contains(f.count), f.allSatisfy(\.isHexDigit), let g = UInt16(f, radix: 16) else { return nil }
          out.append(g)
        }
      }
      return out
    }
    guard let head = groups(halves[0], last: halves.count == 1) else { return nil }
    var all = head
    if halves.count == 2 {
      guard let tail = groups(halves[1], last: true), head.count + tail.count <= 7 else { return nil }
      all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
    }
    guard all.count == 8 else { return nil }
    value = all.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
  }

  /// The eight 16-bit groups, most significant first.
  public var groups: [UInt16] { (0..<8).map { UInt16(truncatingIfNeeded: value >> (112 - 16 * UInt128($0))) } }

  /// The sixteen bytes in network order.
  public var bytes: [UInt8] { groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] } }

  /// RFC 5952 text, as Go's `net.IP.String` writes it: lowercase, no leading zeros, the longest
  /// run of two or more zero groups (the first of equals) as `::`.
  public var description: String {
    let g = groups
    var best = (start: -1, length: 0)
    var i = 0
    while i < 8 {
      if g[i] == 0 {
        var j = i
        while j < 8 && g[j] == 0 { j += 1 }
        if j - i > best.length { best = (i, j - i) }
        i = j
      } else {
        i += 1
      }
    }
    func hex(_ range: Range<Int>) -> String { g[range].map { String($0, radix: 16) }.joined(separator: ":") }
    guard best.length >= 2 else { return hex(0..<8) }
    return hex(0..<best.start) + "::" + hex(best.start + best.length..<8)
  }

  public static func < (a: IPv6Address, b: IPv6Address) -> Bool { a.value < b.value }
}

/// An IPv6 subnet in CIDR notation.
public struct IPv6Subnet: Hashable, Sendable, CustomStringConvertible {
  /// The network address (host bits zero).
  public var network: IPv6Address
  /// Prefix length, 0…128.
  public var prefix: Int

  /// The subnet of address/prefix (host bits are cleared).
  public init(_ address: IPv6Address, prefix: Int) {
    self.prefix = prefix
    network = IPv6Address(address.value & Self.mask(prefix))
  }

  /// Parses `addr/n`; throws Docker's error otherwise.
  public init(parsing text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let address = IPv6Address(parts[0]), let p = Int(parts[1]), (0...128).contains(p) else {
      throw BerthError.invalid("invalid CIDR address: \(text)")
    }
    self.init(address, prefix: p)
  }

  static func mask(_ prefix: Int) -> UInt128 { prefix == 0 ? 0 : UInt128.max << UInt128(128 - prefix) }

  /// The last address of the subnet.
  public var last: IPv6Address { IPv6Address(network.value | ~Self.mask(prefix)) }
  /// The first address after the network's (Docker's default gateway).
  public var firstHost: IPv6Address { IPv6Address(network.value + 1) }

  /// Whether address lies in the subnet.
  public func contains(_ address: IPv6Address) -> Bool { address.value & Self.mask(prefix) == network.value }

  /// Whether the two subnets share any address.
  public func overlaps(_ other: IPv6Subnet) -> Bool {
    let m = Self.mask(min(prefix, other.prefix))
    return network.value & m == other.network.value & m
  }

  public var description: String { "\(network)/\(prefix)" }
}

extension IPAM {
  /// The lowest free IPv6 address of subnet (from range's start when given): not the subnet's
  /// network address, not the gateway, not in `used`. Tries at most `limit` addresses.
  public static func nextFree(
    in subnet: IPv6Subnet, range: IPv6Subnet? = nil, gateway: IPv6Address, used: Set<IPv6Address>,
    limit: Int = 1 << 20
  ) -> IPv6Address? {
    let first = max(subnet.network.value + 1, range?.network.value ?? 0)
    let last = min(subnet.last.value, range?.last.value ?? .max)
    var candidate = first
    var tried = 0
    while candidate <= last && tried < limit {
      let address = IPv6Address(candidate)
      if address != gateway && !used.contains(address) { return address }
      if candidate == .max { break }
      candidate += 1
      tried += 1
    }
    return nil
  }
}
