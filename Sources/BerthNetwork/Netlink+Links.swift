import BerthSystem

#if canImport(Glibc)
import Glibc
#endif

/// The link, address and route operations Berth needs.
extension Netlink {
  // rtnetlink attribute numbers (linux/if_link.h, if_addr.h, rtnetlink.h, veth.h).
  static let linkAddress: UInt16 = 1
  static let linkName: UInt16 = 3
  static let linkMaster: UInt16 = 10
  static let linkInfo: UInt16 = 18
  static let linkNamespacePID: UInt16 = 19
  static let infoKind: UInt16 = 1
  static let infoData: UInt16 = 2
  static let vethPeer: UInt16 = 1
  static let up: UInt32 = 1  // IFF_UP

  /// Creates a bridge device (down).
  public func createBridge(_ name: String) throws {
    var m = NetlinkMessage(type: Self.newLink, flags: Self.flagCreate | Self.flagExclusive)
    m.interfaceHeader()
    m.attribute(Self.linkName, string: name)
    m.nested(Self.linkInfo) { $0.attribute(Self.infoKind, string: "bridge") }
    try request(m, "create bridge \(name)")
  }

  /// Brings a link up.
  public func setUp(index: Int32, name: String) throws {
    var m = NetlinkMessage(type: Self.newLink, flags: 0)
    m.interfaceHeader(index: index, flags: Self.up, change: Self.up)
    try request(m, "set \(name) up")
  }

  /// Creates a veth pair in one request: `hostName` here, attached to the bridge and up; its
  /// peer made directly in the network namespace of process pid, named `peerName`, with `mac`
  /// (down: bring it up from a socket in that namespace).
  public func createVeth(hostName: String, bridgeIndex: Int32, peerName: String, peerPID: Int32, mac: [UInt8]) throws {
    var m = NetlinkMessage(type: Self.newLink, flags: Self.flagCreate | Self.flagExclusive)
    m.interfaceHeader(flags: Self.up, change: Self.up)
    m.attribute(Self.linkName, string: hostName)
    m.attribute(Self.linkMaster, uint32: UInt32(bridgeIndex))
    m.nested(Self.linkInfo) { info in
      info.attribute(Self.infoKind, string: "veth")
      info.nested(Self.infoData) { data in
        data.nested(Self.vethPeer) { peer in
          // Not up yet: opening a veth whose peer is not linked yet fails (ENOTCONN).
          peer.interfaceHeader()
          peer.attribute(Self.linkName, string: peerName)
          peer.attribute(Self.linkNamespacePID, uint32: UInt32(peerPID))
          peer.attribute(Self.linkAddress, mac)
        }
      }
    }
    try request(m, "create veth \(hostName) with peer \(peerName) in process \(peerPID)")
  }

  /// Deletes a link by name; a link that does not exist is not an error.
  public func deleteLink(_ name: String) throws {
    guard let index = Self.index(of: name) else { return }
    var m = NetlinkMessage(type: Self.deleteLink, flags: 0)
    m.interfaceHeader(index: index)
    do {
      try request(m, "delete \(name)")
    } catch let e as SystemError where e.errno == ENODEV {}
  }

  /// Adds an IPv4 address (with its prefix route) to a link.
  public func addAddress(_ address: IPv4Address, prefix: Int, index: Int32, name: String) throws {
    var m = Self.newAddressMessage(family: AF_INET, address.bytes, prefix: prefix, flags: 0, index: index)
    let broadcast = IPv4Subnet(address, prefix: prefix).broadcast
    if prefix < 31 { m.attribute(4, broadcast.bytes) }  // IFA_BROADCAST
    try addAddress(m, "\(address)/\(prefix)", to: name)
  }

  /// Adds the default route via gateway on link index.
  public func addDefaultRoute(via gateway: IPv4Address, index: Int32) throws {
    try request(
      Self.defaultRouteMessage(family: AF_INET, gateway.bytes, index: index), "add default route via \(gateway)")
  }

  /// RTM_NEWADDR of an address of family (local and peer the same) with its prefix on link index.
  static func newAddressMessage(family: Int32, _ address: [UInt8], prefix: Int, flags: UInt8, index: Int32)
    -> NetlinkMessage
  {
    var m = NetlinkMessage(type: Self.newAddress, flags: Self.flagCreate | Self.flagExclusive)
    m.append(UInt8(family))
    m.append(UInt8(prefix))
    m.append(flags)
    m.append(UInt8(0))  // scope universe
    m.append(UInt32(index))
    m.attribute(2, address)  // IFA_LOCAL
    m.attribute(1, address)  // IFA_ADDRESS
    return m
  }

  /// Sends an RTM_NEWADDR; an address the link already has is fine.
  func addAddress(_ m: NetlinkMessage, _ address: String, to name: String) throws {
    do {
      try request(m, "add \(address) to \(name)")
    } catch let e as SystemError where e.errno == EEXIST {}
  }

  /// RTM_NEWROUTE of family's default route (main table) via gateway on link index.
  static func defaultRouteMessage(family: Int32, _ gateway: [UInt8], index: Int32) -> NetlinkMessage {
    var m = NetlinkMessage(type: Self.newRoute, flags: Self.flagCreate | Self.flagExclusive)
    m.append(UInt8(family))
    m.append(UInt8(0))  // dst_len
    m.append(UInt8(0))  // src_len
    m.append(UInt8(0))  // tos
    m.append(UInt8(254))  // RT_TABLE_MAIN
    m.append(UInt8(3))  // RTPROT_BOOT
    m.append(UInt8(0))  // RT_SCOPE_UNIVERSE
    m.append(UInt8(1))  // RTN_UNICAST
    m.append(UInt32(0))
    m.attribute(5, gateway)  // RTA_GATEWAY
    m.attribute(4, uint32: UInt32(index))  // RTA_OIF
    return m
  }
}
