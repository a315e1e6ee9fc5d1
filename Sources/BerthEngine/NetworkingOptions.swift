import BerthNetwork

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

  /// No options.
  public init() {}
}
