import BerthEngine
import BerthOCI
import BerthTemplate
import Foundation

/// Network routes: list, inspect, create, remove, prune, connect, disconnect.
extension APIServer {
  /// The body of `POST /networks/create`.
  struct NetworkCreateBody: Decodable {
    var Name: String?
    var Driver: String?
    var Internal: Bool?
    var IPAM: IPAMBody?
    var Labels: [String: String]?
    var EnableIPv6: Bool?
    var CheckDuplicate: Bool?
    var Attachable: Bool?
    var Ingress: Bool?
    var Scope: String?

    struct IPAMBody: Decodable {
      var Driver: String?
      var Config: [IPAMConfigBody]?
    }

    struct IPAMConfigBody: Decodable {
      var Subnet: String?
      var Gateway: String?
      var IPRange: String?
      var AuxiliaryAddresses: [String: String]?
    }
  }

  /// The body of `POST /networks/{id}/connect` and `/disconnect`.
  struct NetworkConnectBody: Decodable {
    var Container: String?
    var EndpointConfig: CreateBody.EndpointBody?
    var Force: Bool?
  }

  func listNetworks(_ r: APIRequest, _ out: Responder) throws {
    let filters = try r.filters()
    var docs: [JSONValue] = []
    for n in try engine.networks.listAll() where Self.matches(n, filters) {
      docs.append(try JSONValue(encoding: engine.networks.inspect(n.id)))
    }
    out.json(.array(docs))
  }

  /// Docker's network filters: name (substring), id (prefix), label, driver, type, scope.
  static func matches(_ n: NetworkRecord, _ filters: [String: [String]]) -> Bool {
    let predefined = ["bridge", "host", "none"].contains(n.name)
    for (key, values) in filters where !values.isEmpty {
      let ok: Bool
      switch key {
      case "name": ok = values.contains { n.name.contains($0) }
      case "id": ok = values.contains { n.id.hasPrefix($0) }
      case "driver": ok = values.contains(n.driver)
      case "scope": ok = values.contains(n.scope)
      case "type": ok = values.contains(predefined ? "builtin" : "custom")
      case "label":
        ok = values.allSatisfy { f in
          let kv = f.split(separator: "=", maxSplits: 1).map(String.init)
          return kv.count == 1 ? n.labels[kv[0]] != nil : n.labels[kv[0]] == kv[1]
        }
      default: ok = true
      }
      if !ok { return false }
    }
    return true
  }

  func inspectNetwork(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let document = try engine.networks.inspect(ref)
    // `?scope=`: a network of another scope is not found, as with dockerd.
    if let scope = r.query["scope"], !scope.isEmpty, scope != document.Scope {
      throw BerthError.notFound("network \(ref) not found")
    }
    out.json(encoding: document)
  }

  func createNetwork(_ r: APIRequest, _ out: Responder) throws {
    let body = try r.decode(NetworkCreateBody.self)
    guard let name = body.Name, !name.isEmpty else { throw BerthError.invalid("network name cannot be empty") }
    // One pool per address family: IPv6 ones are told apart by their subnet.
    let pools = body.IPAM?.Config ?? []
    let config = pools.first { !($0.Subnet ?? "").contains(":") }
    var options = NetworkCreateOptions()
    options.enableIPv6 = body.EnableIPv6 ?? false
    if let v6 = pools.first(where: { ($0.Subnet ?? "").contains(":") }) {
      options.subnet6 = v6.Subnet
      options.gateway6 = v6.Gateway.flatMap { $0.isEmpty ? nil : $0 }
      options.ipRange6 = v6.IPRange.flatMap { $0.isEmpty ? nil : $0 }
    }
    options.attachable = body.Attachable ?? false
    options.ingress = body.Ingress ?? false
    options.scope = body.Scope ?? ""
    // Before API 1.44 a taken name is refused only when the client asks (dockerd 20.10).
    options.checkDuplicate = r.versionBefore(1, 44) ? body.CheckDuplicate ?? false : true
    // dockerd's warning when it makes a second network of a taken name.
    let namesake = options.checkDuplicate ? nil : try engine.networks.list().first { $0.name == name }
    let warning = namesake.map { "Network with name \(name) (id : \($0.id)) already exists" } ?? ""
    let n = try engine.networks.create(
      name: name, driver: (body.Driver ?? "").isEmpty ? "bridge" : body.Driver ?? "bridge",
      subnet: config?.Subnet.flatMap { $0.isEmpty ? nil : $0 },
      gateway: config?.Gateway.flatMap { $0.isEmpty ? nil : $0 }, isInternal: body.Internal ?? false,
      labels: body.Labels ?? [:], ipRange: config?.IPRange.flatMap { $0.isEmpty ? nil : $0 },
      auxAddresses: config?.AuxiliaryAddresses ?? [:], options: options)
    out.json(["Id": .string(n.id), "Warning": .string(warning)], status: .created)
  }

  func removeNetwork(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let n = try engine.networks.get(ref)
    try engine.networks.remove(n.id)
    out.send(.noContent)
  }

  func pruneNetworks(_ r: APIRequest, _ out: Responder) throws {
    let removed = try engine.networks.prune()
    out.json(["NetworksDeleted": .array(removed.map { .string($0) })])
  }

  func connectNetwork(_ r: APIRequest, _ out: Responder, _ ref: String, connect: Bool) throws {
    let body = try r.decode(NetworkConnectBody.self)
    guard let container = body.Container, !container.isEmpty else {
      throw BerthError.invalid("container is required")
    }
    let n = try engine.networks.get(ref)
    let c = try engine.containers.get(container)
    if connect {
      try engine.containers.connect(
        c.id, network: n.id, aliases: body.EndpointConfig?.Aliases ?? [],
        endpoint: body.EndpointConfig?.settings ?? EndpointSettings())
    } else {
      try engine.containers.disconnect(c.id, network: n.id)
    }
    out.send(.ok)
  }
}
