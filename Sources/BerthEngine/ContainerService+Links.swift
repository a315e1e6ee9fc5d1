import BerthOCI

/// Legacy links (`--link name:alias`): the environment they give on the default bridge, and
/// their removal (`DELETE /containers/{name}/{alias}?link=1`).
extension ContainerService {
  /// Docker's link variables for container c on the default bridge: for each link
  /// `ALIAS_NAME=/c/alias`, the target's exposed ports (`ALIAS_PORT_80_TCP=tcp://ip:80`, …) and
  /// its environment as `ALIAS_ENV_KEY=value` (without HOME and PATH). Other networks get none.
  func linkEnvironment(_ c: ContainerRecord) -> [String] {
    let mode = c.config.host.networkMode
    guard mode == "default" || mode == "bridge", let links = c.config.host.networking?.links else { return [] }
    var env: [String] = []
    for link in links {
      let parts = link.split(separator: ":", maxSplits: 1).map(String.init)
      let targetName = parts[0].hasPrefix("/") ? String(parts[0].dropFirst()) : parts[0]
      let alias = parts.count > 1 ? parts[1] : targetName
      guard let target = try? get(targetName) else { continue }
      let prefix = alias.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
      env.append("\(prefix)_NAME=/\(c.name)/\(alias)")
      let ip = ((try? networks.endpoints(of: target.id)) ?? []).first { $0.0.isDefaultBridge }?.1.address
      if let ip {
        let ports = (target.config.config.exposedPorts ?? [:]).keys.compactMap { key -> (Int, String)? in
          let kv = key.split(separator: "/").map(String.init)
          return Int(kv[0]).map { ($0, kv.count > 1 ? kv[1] : "tcp") }
        }.sorted { $0 < $1 }
        if let first = ports.first { env.append("\(prefix)_PORT=\(first.1)://\(ip):\(first.0)") }
        for (port, proto) in ports {
          let key = "\(prefix)_PORT_\(port)_\(proto.uppercased())"
          env += [
            "\(key)=\(proto)://\(ip):\(port)", "\(key)_ADDR=\(ip)", "\(key)_PORT=\(port)", "\(key)_PROTO=\(proto)",
          ]
        }
      }
      for entry in target.config.config.env ?? [] {
        let kv = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard kv.count == 2, kv[0] != "HOME", kv[0] != "PATH", kv[0] != "HOSTNAME" else { continue }
        env.append("\(prefix)_ENV_\(kv[0])=\(kv[1])")
      }
    }
    return env
  }

  /// Removes the link that container ref knows as alias.
  public func removeLink(_ ref: String, alias: String) throws {
    let c = try get(ref)
    var settings = c.config
    var opts = settings.host.networking ?? NetworkingOptions()
    let before = opts.links.count
    opts.links.removeAll { link in
      let parts = link.split(separator: ":", maxSplits: 1).map(String.init)
      let target = parts[0].hasPrefix("/") ? String(parts[0].dropFirst()) : parts[0]
      return (parts.count > 1 ? parts[1] : target) == alias
    }
    guard opts.links.count < before else {
      throw BerthError.notFound("Could not find container for entity id /\(c.name)/\(alias)")
    }
    settings.host.networking = opts
    try save(c.id, settings)
  }
}
