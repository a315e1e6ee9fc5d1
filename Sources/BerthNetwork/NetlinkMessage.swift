/// A route netlink request being built: `nlmsghdr`, a fixed header (`ifinfomsg`, `ifaddrmsg`,
/// `rtmsg`) and attributes, 4-byte aligned, in host byte order as the kernel expects.
struct NetlinkMessage {
  private(set) var bytes: [UInt8]

  init(type: UInt16, flags: UInt16) {
    bytes = []
    append(UInt32(0))  // length, set by finish()
    append(type)
    append(flags | Netlink.flagRequest | Netlink.flagAck)
    append(UInt32(0))  // sequence, set by finish()
    append(UInt32(0))  // port id: the kernel fills it in
  }

  mutating func append<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
  }

  mutating func append(bytes data: [UInt8]) { bytes += data }

  mutating func pad() { while bytes.count % 4 != 0 { bytes.append(0) } }

  /// `ifinfomsg`: family, type, index, flags, change.
  mutating func interfaceHeader(index: Int32 = 0, flags: UInt32 = 0, change: UInt32 = 0) {
    append(UInt8(0))  // AF_UNSPEC
    append(UInt8(0))
    append(UInt16(0))
    append(index)
    append(flags)
    append(change)
  }

  /// An attribute with raw data.
  mutating func attribute(_ type: UInt16, _ data: [UInt8]) {
    append(UInt16(4 + data.count))
    append(type)
    bytes += data
    pad()
  }

  /// A string attribute (NUL-terminated).
  mutating func attribute(_ type: UInt16, string: String) { attribute(type, Array(string.utf8) + [0]) }

  /// A 32-bit attribute.
  mutating func attribute(_ type: UInt16, uint32 value: UInt32) {
    attribute(type, withUnsafeBytes(of: value) { Array($0) })
  }

  /// A nested attribute whose contents body appends.
  mutating func nested(_ type: UInt16, _ body: (inout NetlinkMessage) -> Void) {
    let start = bytes.count
    append(UInt16(0))
    append(type)
    body(&self)
    pad()
    let length = UInt16(bytes.count - start)
    withUnsafeBytes(of: length) { bytes.replaceSubrange(start..<start + 2, with: $0) }
  }

  /// The finished message with its length and sequence number.
  func finished(sequence: UInt32) -> [UInt8] {
    var out = bytes
    withUnsafeBytes(of: UInt32(out.count)) { out.replaceSubrange(0..<4, with: $0) }
    withUnsafeBytes(of: sequence) { out.replaceSubrange(8..<12, with: $0) }
    return out
  }
}
