import BerthNetwork
import BerthOCI
import Foundation

extension ContainerInspect {
  /// `NetworkSettings`, in Docker's shape: the primary network's address at the top level,
  /// every network under `Networks`, published ports under `Ports`.
  public struct NetworkSettings: Encodable, Sendable {
    public var Bridge = ""
    public var SandboxID = ""
    public var HairpinMode = false
    public var LinkLocalIPv6Address = ""
    public var LinkLocalIPv6PrefixLen = 0
    public var Ports: [String: [PortDocument]?] = [:]
    public var SandboxKey = ""
    public var SecondaryIPAddresses: [String]? = nil
    public var SecondaryIPv6Addresses: [String]? = nil
    public var EndpointID = ""
    public var Gateway = ""
    public var GlobalIPv6Address = ""
    public var GlobalIPv6PrefixLen = 0
    public var IPAddress = ""
    public var IPPrefixLen = 0
    public var IPv6Gateway = ""
    public var MacAddress = ""
    public var Networks: [String: EndpointDocument] = [:]
  }

  /// One published port.
  public struct PortDocument: Encodable, Sendable {
    public var HostIp: String
    public var HostPort: String
  }

  /// The addresses asked for on one network.
  public struct IPAMConfigDocument: Encodable, Sendable {
    public var IPv4Address: String?
    public var IPv6Address: String?
    public var LinkLocalIPs: [String]?
  }

  /// A container's endpoint on one network.
  public struct EndpointDocument: Encodable, Sendable {
    public var IPAMConfig: IPAMConfigDocument? = nil
    public var Links: [String]? = nil
    public var Aliases: [String]?
    public var NetworkID: String
    public var EndpointID = ""
    public var Gateway = ""
    public var IPAddress = ""
    public var IPPrefixLen = 0
    public var IPv6Gateway = ""
    public var GlobalIPv6Address = ""
    public var GlobalIPv6PrefixLen = 0
    public var MacAddress = ""
    public var DriverOpts: [String: String]? = nil
  }
}

/// `docker network inspect` output.
public struct NetworkInspect: Encodable, Sendable {
  public var Name: String
  public var Id: String
  public var Created: String
  public var Scope = "local"
  public var Driver: String
  public var EnableIPv6 = false
  public var IPAM: IPAMDocument
  public var Internal: Bool
  public var Attachable = false
  public var Ingress = false
  public var ConfigFrom = ["Network": ""]
  public var ConfigOnly = false
  public var Containers: [String: ContainerDocument]
  public var Options: [String: String]
  public var Labels: [String: String]

  /// `IPAM`.
  public struct IPAMDocument: Encodable, Sendable {
    public var Driver = "default"
    public var Options: [String: String]? = nil
    public var Config: [IPAMConfigDocument]
  }

  /// One `IPAM.Config` entry.
  public struct IPAMConfigDocument: Encodable, Sendable {
    public var Subnet: String
    public var IPRange: String? = nil
    /// Absent for an IPv6 pool given without a gateway, as in dockerd's output.
    public var Gateway: String?
    public var AuxiliaryAddresses: [String: String]? = nil
  }

  /// A running container on the network.
  public struct ContainerDocument: Encodable, Sendable {
    public var Name: String
    public var EndpointID: String
    public var MacAddress: String
    public var IPv4Address: String
    public var IPv6Address = ""
  }
}

extension ContainerService {
  /// The container's `NetworkSettings`.
  func networkSettings(_ c: ContainerRecord) -> ContainerInspect.NetworkSettings {
    var s = ContainerInspect.NetworkSettings()
    let running = c.state == .running || c.state == .paused
    let endpoints = running ? ((try? networks.endpoints(of: c.id)) ?? []) : []
    if running {
      let bindings = (try? networks.reportedPorts(of: c.id)) ?? []
      for key in (c.config.config.exposedPorts ?? [:]).keys { s.Ports[key] = .some(nil) }
      for b in bindings {
        let doc = ContainerInspect.PortDocument(HostIp: b.displayHostIP, HostPort: String(b.hostPort))
        s.Ports[b.portKey] = .some(((s.Ports[b.portKey] ?? nil) ?? []) + [doc])
      }
      s.SandboxID = c.id
      s.SandboxKey = "/proc/\(c.pid)/ns/net"
    }
    let mode = c.config.host.networkMode
    let joined = (try? networks.networks(of: c)) ?? []
    let opts = c.config.host.networking ?? NetworkingOptions()
    for (i, (n, aliases)) in joined.enumerated() {
      var doc = ContainerInspect.EndpointDocument(
        Aliases: n.isDefaultBridge ? nil : [c.shortID] + aliases, NetworkID: n.id)
      let given = opts.endpoint(for: n)
      let ipv4 = (i == 0 ? opts.ipv4 : nil) ?? given?.ipv4Address
      let ipv6 = (i == 0 ? opts.ipv6 : nil) ?? given?.ipv6Address
      if ipv4 != nil || ipv6 != nil || given?.linkLocalIPs != nil {
        doc.IPAMConfig = .init(IPv4Address: ipv4, IPv6Address: ipv6, LinkLocalIPs: given?.linkLocalIPs)
      }
      doc.Links = given?.links
      doc.DriverOpts = given?.driverOpts
      doc.MacAddress = given?.macAddress ?? (i == 0 ? opts.macAddress : nil) ?? ""
      if let (_, e) = endpoints.first(where: { $0.0.id == n.id }) {
        doc.EndpointID = String(e.containerID.prefix(32)) + String(n.id.prefix(32))
        doc.Gateway = n.gateway?.description ?? ""
        doc.IPAddress = e.address.description
        doc.IPPrefixLen = n.subnet?.prefix ?? 0
        doc.MacAddress = e.mac
        if let address6 = e.address6, let v6 = n.activeIPv6 {
          doc.GlobalIPv6Address = address6.description
          doc.GlobalIPv6PrefixLen = v6.subnet.prefix
          doc.IPv6Gateway = v6.gateway.description
        }
      }
      s.Networks[n.name] = doc
    }
    if mode == "none" || mode == "host", let n = try? networks.get(mode) {
      s.Networks[mode] = .init(Aliases: nil, NetworkID: n.id)
    }
    if let first = joined.first, let doc = s.Networks[first.0.name] {
      if first.0.isDefaultBridge { s.Bridge = "" }
      s.EndpointID = doc.EndpointID
      s.Gateway = doc.Gateway
      s.IPAddress = doc.IPAddress
      s.IPPrefixLen = doc.IPPrefixLen
      s.MacAddress = doc.MacAddress
      s.GlobalIPv6Address = doc.GlobalIPv6Address
      s.GlobalIPv6PrefixLen = doc.GlobalIPv6PrefixLen
      s.IPv6Gateway = doc.IPv6Gateway
    }
    return s
  }
}

extension NetworkService {
  /// Docker's inspect document for a network.
  public func inspect(_ ref: String) throws -> NetworkInspect {
    let n = try get(ref)
    var containers: [String: NetworkInspect.ContainerDocument] = [:]
    for e in try endpoints(onNetwork: n.id) {
      let name = e.names.first ?? ""
      containers[e.containerID] = .init(
        Name: name, EndpointID: String(e.containerID.prefix(32)) + String(n.id.prefix(32)), MacAddress: e.mac,
        IPv4Address: "\(e.address)/\(n.subnet?.prefix ?? 0)",
        IPv6Address: e.address6.map { "\($0)/\(n.ipv6?.subnet.prefix ?? 0)" } ?? "")
    }
    var config: [NetworkInspect.IPAMConfigDocument] = []
    if let subnet = n.subnet, let gateway = n.gateway {
      config = [
        .init(
          Subnet: subnet.description, IPRange: n.ipRange?.description, Gateway: gateway.description,
          AuxiliaryAddresses: n.auxAddresses.isEmpty ? nil : n.auxAddresses)
      ]
    }
    if let v6 = n.ipv6 {
      config.append(
        .init(
          Subnet: v6.subnetText, IPRange: v6.rangeText.isEmpty ? nil : v6.rangeText,
          Gateway: v6.gatewayText.isEmpty ? nil : v6.gatewayText))
    }
    var options: [String: String] = [:]
    if n.isBridge { options["com.docker.network.bridge.name"] = n.bridge }
    return NetworkInspect(
      Name: n.name, Id: n.id, Created: n.created, Scope: n.scope, Driver: n.driver, EnableIPv6: n.enableIPv6,
      IPAM: .init(Config: config), Internal: n.internal, Attachable: n.attachable, Ingress: n.ingress,
      Containers: containers, Options: options, Labels: n.labels)
  }
}

extension ContainerService {
  /// `HostConfig.PortBindings` as Docker keeps it: the `-p` values by container port, the host
  /// address and port as given (empty when not given).
  func portBindingsDocument(_ ports: [PortBinding]) -> [String: [ContainerInspect.PortDocument]] {
    var out: [String: [ContainerInspect.PortDocument]] = [:]
    for b in ports {
      let host =
        b.hostPort == 0 ? "" : b.hostPortEnd > b.hostPort ? "\(b.hostPort)-\(b.hostPortEnd)" : String(b.hostPort)
      out[b.portKey, default: []].append(.init(HostIp: b.hostIP, HostPort: host))
    }
    return out
  }

  /// One `HostConfig.Links` entry: `--link name:alias` becomes `/name:/container/alias`.
  func linkDocument(_ link: String, container: String) -> String {
    let parts = link.split(separator: ":", maxSplits: 1).map(String.init)
    let target = parts[0].hasPrefix("/") ? String(parts[0].dropFirst()) : parts[0]
    return "/\(target):/\(container)/\(parts.count > 1 ? parts[1] : target)"
  }
}
