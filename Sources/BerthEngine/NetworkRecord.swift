import BerthNetwork
import BerthOCI
import Foundation
import GRDB

/// A network as stored.
public struct NetworkRecord: Sendable, Equatable {
  /// 64 hex characters.
  public var id: String
  /// Its name (`bridge`, `host`, `none` are Docker's predefined ones).
  public var name: String
  /// `bridge`, `host` or `null`.
  public var driver: String
  /// The bridge device (empty for host and none).
  public var bridge: String
  /// The IPv4 subnet and gateway (bridge networks).
  public var subnet: IPv4Subnet?
  public var gateway: IPv4Address?
  /// `--ip-range`: where endpoint addresses are taken from (nil: the whole subnet).
  public var ipRange: IPv4Subnet?
  /// `--aux-address name=ip`: addresses never given to endpoints.
  public var auxAddresses: [String: String]
  /// `--internal`: no route out.
  public var `internal`: Bool
  /// `--label`.
  public var labels: [String: String]
  /// RFC 3339.
  public var created: String
  /// `--ipv6`: endpoints get an address in ``ipv6`` too.
  public var enableIPv6: Bool
  /// The IPv6 subnet, gateway and range given (kept without `--ipv6` too, as Docker does).
  public var ipv6: IPv6Config?
  /// `--attachable`, `--ingress`, `--scope` as given (Docker's swarm-era flags).
  public var attachable: Bool
  public var ingress: Bool
  public var scope: String

  init(row: Row) {
    id = row["id"]
    name = row["name"]
    driver = row["driver"]
    bridge = row["bridge"]
    subnet = try? IPv4Subnet(parsing: row["subnet"] as String)
    gateway = IPv4Address(row["gateway"] as String)
    `internal` = row["internal"]
    ipRange = try? IPv4Subnet(parsing: (row["ip_range"] as String?) ?? "")
    let aux: String = (row["aux_addresses"] as String?) ?? "{}"
    auxAddresses = (try? JSONDecoder().decode([String: String].self, from: Data(aux.utf8))) ?? [:]
    let json: String = row["labels"]
    labels = (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    created = row["created"]
    enableIPv6 = row["enable_ipv6"] ?? false
    ipv6 = IPv6Config(subnet: row["subnet6"] ?? "", gateway: row["gateway6"] ?? "", range: row["ip_range6"] ?? "")
    attachable = row["attachable"] ?? false
    ingress = row["ingress"] ?? false
    scope = row["scope"] ?? "local"
  }

  /// The 12-character short id.
  public var shortID: String { String(id.prefix(12)) }
  /// Whether it is the default `bridge` network (no embedded DNS there, as Docker).
  public var isDefaultBridge: Bool { name == "bridge" }
  /// The addresses endpoints must not get: the auxiliary ones.
  public var reserved: Set<IPv4Address> { Set(auxAddresses.values.compactMap { IPv4Address($0) }) }
  /// Whether containers get an interface on it.
  public var isBridge: Bool { driver == "bridge" }
  /// The IPv6 configuration endpoints get addresses from: set with `--ipv6` only.
  public var activeIPv6: IPv6Config? { enableIPv6 ? ipv6 : nil }
}

/// A network's IPv6 subnet, gateway and range. The texts are kept as the client gave them
/// (`2001:db8::1/64`), since Docker reports them so.
public struct IPv6Config: Sendable, Equatable {
  /// The subnet as given, and parsed.
  public var subnetText: String
  public var subnet: IPv6Subnet
  /// The gateway as given (empty: not given), and the effective one (the subnet's first host
  /// when not given).
  public var gatewayText: String
  public var gateway: IPv6Address
  /// `--ip-range` as given (empty: none), and parsed.
  public var rangeText: String
  public var range: IPv6Subnet?

  /// Parses stored or given texts; nil when subnet is empty or unparsable.
  init?(subnet: String, gateway: String, range: String) {
    guard !subnet.isEmpty, let s = try? IPv6Subnet(parsing: subnet) else { return nil }
    subnetText = subnet
    self.subnet = s
    gatewayText = gateway
    self.gateway = IPv6Address(gateway) ?? s.firstHost
    rangeText = range
    self.range = range.isEmpty ? nil : try? IPv6Subnet(parsing: range)
  }

  /// Checks and parses a client's IPv6 pool, with dockerd's messages.
  public static func validated(subnet: String, gateway: String?, range: String?) throws -> IPv6Config {
    let s = try IPv6Subnet(parsing: subnet)
    if let gateway, !gateway.isEmpty {
      guard let g = IPv6Address(gateway), s.contains(g) else {
        throw BerthError.invalid("no matching subnet for gateway \(gateway)")
      }
    }
    if let range, !range.isEmpty {
      let r = try IPv6Subnet(parsing: range)
      guard s.contains(r.network), r.prefix >= s.prefix else {
        throw BerthError.invalid("Invalid IP range \(range): it does not belong to subnet \(subnet)")
      }
    }
    guard let config = IPv6Config(subnet: subnet, gateway: gateway ?? "", range: range ?? "") else {
      throw BerthError.invalid("invalid CIDR address: \(subnet)")
    }
    return config
  }
}

/// A container's address on a network while it runs.
public struct EndpointRecord: Sendable, Equatable {
  public var containerID: String
  public var networkID: String
  /// The interface in the container (`eth0`, `eth1`, …) and its host-side veth.
  public var interface: String
  public var hostVeth: String
  public var address: IPv4Address
  /// Its IPv6 address on a network made with `--ipv6`.
  public var address6: IPv6Address?
  public var mac: String
  /// The names it answers to in the network's DNS (name, short id, aliases).
  public var names: [String]

  init(row: Row) {
    containerID = row["container_id"]
    networkID = row["network_id"]
    interface = row["interface"]
    hostVeth = row["host_veth"]
    address = IPv4Address(row["ip"] as String) ?? IPv4Address(0)
    address6 = IPv6Address((row["ip6"] as String?) ?? "")
    mac = row["mac"]
    names = (row["names"] as String).split(separator: " ").map(String.init)
  }
}

extension MetadataStore {
  /// Networks, endpoints of running containers and their published ports (`networks-v1`).
  static func registerNetworkMigration(_ m: inout DatabaseMigrator) {
    m.registerMigration("networks-v1") { db in
      try db.execute(
        sql: """
          CREATE TABLE networks (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL UNIQUE,
            driver TEXT NOT NULL,
            bridge TEXT NOT NULL,
            subnet TEXT NOT NULL DEFAULT '',
            gateway TEXT NOT NULL DEFAULT '',
            internal INTEGER NOT NULL DEFAULT 0,
            labels TEXT NOT NULL DEFAULT '{}',
            created TEXT NOT NULL
          );
          CREATE TABLE endpoints (
            container_id TEXT NOT NULL,
            network_id TEXT NOT NULL,
            interface TEXT NOT NULL,
            host_veth TEXT NOT NULL,
            ip TEXT NOT NULL,
            mac TEXT NOT NULL,
            names TEXT NOT NULL DEFAULT '',
            owner_pid INTEGER NOT NULL,
            owner_start INTEGER NOT NULL,
            PRIMARY KEY (container_id, network_id),
            UNIQUE (network_id, ip)
          );
          CREATE TABLE port_bindings (
            container_id TEXT NOT NULL,
            host_ip TEXT NOT NULL,
            host_port INTEGER NOT NULL,
            proto TEXT NOT NULL,
            container_port INTEGER NOT NULL,
            UNIQUE (host_port, proto)
          );
          CREATE INDEX port_bindings_container ON port_bindings(container_id);
          """)
    }
  }
}
