import BerthNetwork
import BerthOCI

/// A container's network options beyond `--network` (`HostSettings.networking`).
public struct NetworkingOptions: Codable, Sendable, Equatable {
  /// `-p`, ranges expanded; host port 0 means "pick a free one".
  public var ports: [PortBinding] = []
  /// `-P`: publish every exposed port on a free host port.
  public var publishAll = false
  /// `--expose`: ports added to the image's exposed ports.
  public var expose: [String] = []
  /// `--network-alias` on the primary network.
  public var aliases: [String] = []
  /// `--ip` on the primary network.
  public var ipv4: String?
  /// `--ip6` on the primary network.
  public var ipv6: String?
  /// `--add-host host:ip`.
  public var extraHosts: [String] = []
  /// `--dns`, `--dns-search`, `--dns-option`.
  public var dns: [String] = []
  public var dnsSearch: [String] = []
  public var dnsOptions: [String] = []
  /// `--link name[:alias]` (legacy; names resolve on user-defined networks, entries in /etc/hosts).
  public var links: [String] = []
  /// Networks added by `network connect`, by network id, with their aliases.
  public var connected: [String: [String]] = [:]
  /// `--mac-address` on the primary network (nil: derived from the address, as Docker does).
  public var macAddress: String?
  /// Endpoint settings of `NetworkingConfig.EndpointsConfig` and `network connect`, by the
  /// network's name or id as given.
  public var endpoints: [String: EndpointSettings]?
  /// Set when `network disconnect` took the container off its primary network: the next
  /// `network connect` makes that network the primary one.
  public var primaryDisconnected: Bool?

  /// The endpoint settings given for network n (by name, id or id prefix).
  public func endpoint(for n: NetworkRecord) -> EndpointSettings? {
    guard let endpoints else { return nil }
    if let e = endpoints[n.name] ?? endpoints[n.id] { return e }
    return endpoints.first { $0.key.count >= 12 && n.id.hasPrefix($0.key) }?.value
  }

  /// No options.
  public init() {}
}

/// One network endpoint's settings as the client gave them (Docker's `EndpointSettings`).
public struct EndpointSettings: Codable, Sendable, Equatable {
  /// `IPAMConfig.IPv4Address`: the address asked for on that network.
  public var ipv4Address: String?
  /// `IPAMConfig.IPv6Address`: the IPv6 address asked for on that network.
  public var ipv6Address: String?
  /// `IPAMConfig.LinkLocalIPs`.
  public var linkLocalIPs: [String]?
  /// `Links` (`name:alias`), resolved by the network's DNS.
  public var links: [String]?
  /// `DriverOpts`.
  public var driverOpts: [String: String]?
  /// `MacAddress` asked for on that network.
  public var macAddress: String?

  /// No settings.
  public init() {}

  /// Whether nothing is set.
  public var isEmpty: Bool { self == EndpointSettings() }

  /// The six bytes of a MAC address written `02:42:ac:11:00:02`, or nil.
  public static func macBytes(_ text: String) -> [UInt8]? {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    let bytes = parts.compactMap { $0.count == 2 ? UInt8($0, radix: 16) : nil }
    return parts.count == 6 && bytes.count == 6 ? bytes : nil
  }

  /// Checks the MAC address and the IPv4 and IPv6 addresses, with dockerd's messages.
  public func validate() throws {
    if let mac = macAddress, Self.macBytes(mac) == nil { throw BerthError.invalid("invalid MAC address: \(mac)") }
    if let ip = ipv4Address, !ip.isEmpty, IPv4Address(ip) == nil {
      throw BerthError.invalid("invalid IPv4 address: \(ip)")
    }
    if let ip = ipv6Address, !ip.isEmpty, IPv6Address(ip) == nil {
      throw BerthError.invalid("invalid IPv6 address: \(ip)")
    }
  }
}
