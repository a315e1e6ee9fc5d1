import BerthOCI

/// An IPv4 address as a 32-bit number in host order.
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The address, `a.b.c.d` = a << 24 | b << 16 | c << 8 | d.
  public var value: UInt32

  /// The address with this value.
  public init(_ value: UInt32) { self.value = value }

  /// Parses dotted-quad text; nil when it is not an IPv4 address.
  public init?(_ text: some StringProtocol) {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    var v: UInt32 = 0
    for p in parts {
      guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isASCII), let n = UInt32(p), n <= 255 else { return nil }
      v = v << 8 | n
    }
    value = v
  }

  /// The four bytes in network order.
  public var bytes: [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
  }

  public var description: String { bytes.map(String.init).joined(separator: ".") }

  public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }

  /// Docker's MAC address for a container address: `02:42` and the address's four bytes.
  public var dockerMAC: [UInt8] { [0x02, 0x42] + bytes }
}

/// An IPv4 subnet in CIDR notation.
public struct IPv4Subnet: Hashable, Sendable, CustomStringConvertible {
  /// The network address (host bits zero).
  public var network: IPv4Address
  /// Prefix length, 0…32.
  public var prefix: Int

  /// The subnet of address/prefix (host bits are cleared).
  public init(_ address: IPv4Address, prefix: Int) {
    self.prefix = prefix
    network = IPv4Address(address.value & Self.mask(prefix))
  }

  /// Parses `a.b.c.d/n`; throws Docker's error otherwise.
  public init(parsing text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let address = IPv4Address(parts[0]), let p = Int(parts[1]), (0...32).contains(p) else {
      throw BerthError.invalid("invalid CIDR address: \(text)")
    }
    self.init(address, prefix: p)
  }

  static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix) }

  /// The netmask as a number.
  public var mask: UInt32 { Self.mask(prefix) }
  /// The last address (broadcast).
  public var broadcast: IPv4Address { IPv4Address(network.value | ~mask) }
  /// The first usable address (Docker's default gateway).
  public var firstHost: IPv4Address { IPv4Address(network.value + 1) }

  /// Whether address lies in the subnet.
  public func contains(_ address: IPv4Address) -> Bool { address.value & mask == network.value }

  /// Whether the two subnets share any address.
  public func overlaps(_ other: IPv4Subnet) -> Bool {
    let p = min(prefix, other.prefix)
    return network.value & Self.mask(p) == other.network.value & Self.mask(p)
  }

  public var description: String { "\(network)/\(prefix)" }
}
