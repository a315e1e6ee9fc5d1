import ArgumentParser
import BerthEngine
import BerthNetwork
import BerthOCI

/// The network flags of `run` and `create`, named as Docker names them.
struct NetworkingFlags: ParsableArguments {
  @Option(name: [.short, .customLong("publish")], help: "Publish a container's port(s) to the host") var publish:
    [String] = []
  @Flag(name: [.customShort("P"), .customLong("publish-all")], help: "Publish all exposed ports to random ports")
  var publishAll = false
  @Option(name: .long, help: "Expose a port or a range of ports") var expose: [String] = []
  @Option(name: .customLong("network-alias"), help: "Add network-scoped alias for the container") var networkAlias:
    [String] = []
  @Option(name: .customLong("ip"), help: "IPv4 address (e.g., 172.30.100.104)") var ip: String?
  @Option(name: .customLong("ip6"), help: "IPv6 address (e.g., 2001:db8::33)") var ip6: String?
  @Option(name: .customLong("add-host"), help: "Add a custom host-to-IP mapping (host:ip)") var addHost: [String] = []
  @Option(name: .customLong("dns"), help: "Set custom DNS servers") var dns: [String] = []
  @Option(name: .customLong("dns-search"), help: "Set custom DNS search domains") var dnsSearch: [String] = []
  @Option(name: .customLong("dns-option"), help: "Set DNS options") var dnsOption: [String] = []
  @Option(name: .customLong("link"), help: "Add link to another container") var link: [String] = []
  @Option(name: .customLong("mac-address"), help: "Container MAC address (e.g., 92:d0:c6:0a:29:33)") var macAddress:
    String?

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
