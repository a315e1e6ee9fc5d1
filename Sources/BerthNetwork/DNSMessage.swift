/// The little of the DNS wire format the embedded responder needs (RFC 1035): the question of a
/// query, and answers of type A, AAAA and PTR. Pure.
public struct DNSMessage: Sendable {
  /// Record types.
  public static let typeA: UInt16 = 1
  public static let typePTR: UInt16 = 12
  public static let typeAAAA: UInt16 = 28

  /// The query's id.
  public var id: UInt16
  /// The asked name, lowercased, without the final dot.
  public var name: String
  /// The asked type.
  public var type: UInt16
  /// The raw question section (echoed in the answer).
  var question: [UInt8]
  /// The header's flags.
  var flags: UInt16

  /// Parses a query; nil when it is not a single-question query.
  public init?(query bytes: [UInt8]) {
    guard bytes.count >= 12 else { return nil }
    id = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    flags = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
    let count = UInt16(bytes[4]) << 8 | UInt16(bytes[5])
    guard flags & 0x8000 == 0, count == 1 else { return nil }
    var labels: [String] = []
    var i = 12
    while i < bytes.count, bytes[i] != 0 {
      let n = Int(bytes[i])
      guard n < 64, i + 1 + n <= bytes.count else { return nil }
      labels.append(String(decoding: bytes[(i + 1)..<(i + 1 + n)], as: UTF8.self).lowercased())
      i += 1 + n
    }
    guard i + 5 <= bytes.count else { return nil }
    type = UInt16(bytes[i + 1]) << 8 | UInt16(bytes[i + 2])
    question = Array(bytes[12..<(i + 5)])
    name = labels.joined(separator: ".")
  }

  /// A response: rcode 0 (with answers, possibly none) or 3 (NXDOMAIN). Answers are A records
  /// (4 bytes), AAAA records (16 bytes) or PTR names.
  public func response(
    addresses: [IPv4Address] = [], addresses6: [IPv6Address] = [], pointer: String? = nil, rcode: UInt8 = 0
  ) -> [UInt8] {
    var out: [UInt8] = []
    func u16(_ v: UInt16) { out += [UInt8(v >> 8), UInt8(v & 0xff)] }
    let answers = addresses.count + addresses6.count + (pointer == nil ? 0 : 1)
    u16(id)
    u16(0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | UInt16(rcode))  // QR AA RD RA
    u16(1)
    u16(UInt16(answers))
    u16(0)
    u16(0)
    out += question
    for a in addresses {
      u16(0xC00C)
      u16(Self.typeA)
      u16(1)
      out += [0, 0, 2, 0x58]  // TTL 600
      u16(4)
      out += a.bytes
    }
    for a in addresses6 {
      u16(0xC00C)
      u16(Self.typeAAAA)
      u16(1)
      out += [0, 0, 2, 0x58]
      u16(16)
      out += a.bytes
    }
    if let pointer {
      let encoded = Self.encode(name: pointer)
      u16(0xC00C)
      u16(Self.typePTR)
      u16(1)
      out += [0, 0, 2, 0x58]
      u16(UInt16(encoded.count))
      out += encoded
    }
    return out
  }

  /// A name in wire form.
  static func encode(name: String) -> [UInt8] {
    var out: [UInt8] = []
    for label in name.split(separator: ".") {
      let bytes = Array(label.utf8.prefix(63))
      out.append(UInt8(bytes.count))
      out += bytes
    }
    return out + [0]
  }

  /// The address a `d.c.b.a.in-addr.arpa` name asks about.
  public static func reverseAddress(_ name: String) -> IPv4Address? {
    guard name.hasSuffix(".in-addr.arpa") else { return nil }
    let parts = name.dropLast(".in-addr.arpa".count).split(separator: ".")
    guard parts.count == 4 else { return nil }
    return IPv4Address(parts.reversed().joined(separator: "."))
  }
}
