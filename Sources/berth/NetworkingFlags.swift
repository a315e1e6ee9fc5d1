import BerthEngine
import BerthNetwork
import BerthOCI

/// The network flags of `run` and `create`, named as Docker names them.
struct NetworkingFlags {
  var publish: [String] = []
  var publishAll = false
  var expose: [String] = []
  var networkAlias: [String] = []
  var ip: String?
  var ip6: String?
  var addHost: [String] = []
  var dns: [String] = []
  var dnsSearch: [String] = []
  var dnsOption: [String] = []
  var link: [String] = []
  var macAddress: String?

  /// The engine's networking options.
  func options() throws -> NetworkingOptions? {
    var o = NetworkingOptions()
    for spec in publish { o.ports += try PortBinding.parse(spec) }
    o.publishAll = publishAll
    for e in expose { _ = try PortBinding.exposedKeys(e) }
    o.expose = expose
    o.aliases = networkAlias
    if let ip, IPv4Address(ip) == nil { throw BerthError.invalid("invalid IPv4 address: \(ip)") }
    o.ipv4 = ip
    if let ip6, IPv6Address(ip6) == nil { throw BerthError.invalid("invalid IPv6 address: \(ip6)") }
    o.ipv6 = ip6
    for h in addHost {
      let parts = h.split(separator: ":", maxSplits: 1)
      guard parts.count == 2, !parts[0].isEmpty else { throw BerthError.invalid("bad format for add-host: \"\(h)\"") }
      guard IPv4Address(parts[1]) != nil || parts[1].contains(":") || parts[1] == "host-gateway" else {
        throw BerthError.invalid("invalid IP address in add-host: \"\(parts[1])\"")
      }
    }
    o.extraHosts = addHost
    for d in dns where IPv4Address(d) == nil && !d.contains(":") {
      throw BerthError.invalid("\(d) is not an ip address")
    }
    o.dns = dns
    o.dnsSearch = dnsSearch
    o.dnsOptions = dnsOption
    o.links = link
    if let macAddress, EndpointSettings.macBytes(macAddress) == nil {
      throw BerthError.invalid("\(macAddress) is not a valid mac address")
    }
    o.macAddress = macAddress
    return o == NetworkingOptions() ? nil : o
  }
}
