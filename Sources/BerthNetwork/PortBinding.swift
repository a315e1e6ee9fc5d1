import BerthOCI

/// One published port: `-p [ip:][hostPort:]containerPort[/proto]` after ranges are expanded.
public struct PortBinding: Codable, Hashable, Sendable {
  /// The host address to listen on; empty means every address (shown as `0.0.0.0`).
  public var hostIP: String
  /// The host port; 0 means "any free port" (`-p 80`, `-P`).
  public var hostPort: Int
  /// The last port of a host range to pick one from (`-p 8000-8010:80`); equals hostPort otherwise.
  public var hostPortEnd: Int
  /// The container's port.
  public var containerPort: Int
  /// `tcp` or `udp`.
  public var proto: String

  /// A binding.
  public init(hostIP: String = "", hostPort: Int, hostPortEnd: Int? = nil, containerPort: Int, proto: String = "tcp") {
    self.hostIP = hostIP
    self.hostPort = hostPort
    self.hostPortEnd = hostPortEnd ?? hostPort
    self.containerPort = containerPort
    self.proto = proto
  }

  /// Docker's key for the container side: `80/tcp`.
  public var portKey: String { "\(containerPort)/\(proto)" }

  /// The host address as Docker prints it.
  public var displayHostIP: String { hostIP.isEmpty ? "0.0.0.0" : hostIP }

  /// Parses one `-p` value into bindings (one per container port of a range).
  public static func parse(_ spec: String) throws -> [PortBinding] {
    var rest = Substring(spec)
    var proto = "tcp"
    if let slash = rest.lastIndex(of: "/") {
      proto = String(rest[rest.index(after: slash)...]).lowercased()
      rest = rest[..<slash]
      guard ["tcp", "udp", "sctp"].contains(proto) else { throw BerthError.invalid("invalid proto: \(proto)") }
    }
    var ip = ""
    if rest.hasPrefix("[") {
      guard let close = rest.firstIndex(of: "]") else { throw BerthError.invalid("Invalid ip address: \(rest)") }
      ip = String(rest[rest.index(after: rest.startIndex)..<close])
      rest = rest[rest.index(after: close)...]
      guard rest.hasPrefix(":") else { throw BerthError.invalid("Invalid ip address: \(ip)") }
      rest = rest.dropFirst()
      let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
      return try bindings(
        ip: ip, host: parts.count > 1 ? String(parts[0]) : "", container: String(parts.last ?? ""), proto: proto)
    }
    let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    let host: String
    let container: String
    switch parts.count {
    case 1: (host, container) = ("", parts[0])
    case 2: (host, container) = (parts[0], parts[1])
    case 3: (ip, host, container) = (parts[0], parts[1], parts[2])
    default: throw BerthError.invalid("invalid port format: \(spec)")
    }
    if !ip.isEmpty && IPv4Address(ip) == nil && !ip.contains(":") {
      throw BerthError.invalid("Invalid ip address: \(ip)")
    }
    return try bindings(ip: ip, host: host, container: container, proto: proto)
  }

  static func bindings(ip: String, host: String, container: String, proto: String) throws -> [PortBinding] {
    guard !container.isEmpty else { throw BerthError.invalid("no port specified: \(container)<empty>") }
    guard let (cStart, cEnd) = range(container) else { throw BerthError.invalid("invalid containerPort: \(container)") }
    var hStart = 0
    var hEnd = 0
    if !host.isEmpty {
      guard let r = range(host) else { throw BerthError.invalid("invalid hostPort: \(host)") }
      (hStart, hEnd) = r
    }
    let count = cEnd - cStart + 1
    if hStart != 0 && hEnd - hStart + 1 != count && count != 1 {
      throw BerthError.invalid("invalid ranges specified for container and host Ports: \(container) and \(host)")
    }
    if count == 1 {
      return [PortBinding(hostIP: ip, hostPort: hStart, hostPortEnd: hEnd, containerPort: cStart, proto: proto)]
    }
    return (0..<count).map { i in
      PortBinding(hostIP: ip, hostPort: hStart == 0 ? 0 : hStart + i, containerPort: cStart + i, proto: proto)
    }
  }

  /// `80` or `8000-8010` → (start, end); nil when not ports.
  static func range(_ text: String) -> (Int, Int)? {
    let ends = text.split(separator: "-", omittingEmptySubsequences: false)
    guard ends.count <= 2, let start = Int(ends[0]), (1...65535).contains(start) else { return nil }
    guard ends.count == 2 else { return (start, start) }
    guard let end = Int(ends[1]), (start...65535).contains(end) else { return nil }
    return (start, end)
  }

  /// Parses an `--expose`/`EXPOSE` value (`80`, `80/udp`, `8000-8002`) into `port/proto` keys.
  public static func exposedKeys(_ spec: String) throws -> [String] {
    let parts = spec.split(separator: "/", maxSplits: 1).map(String.init)
    let proto = parts.count > 1 ? parts[1].lowercased() : "tcp"
    guard ["tcp", "udp", "sctp"].contains(proto) else { throw BerthError.invalid("invalid proto: \(proto)") }
    guard let first = parts.first, let (s, e) = range(first) else {
      throw BerthError.invalid("invalid range format for --expose: \(spec), error: invalid port")
    }
    return (s...e).map { "\($0)/\(proto)" }
  }

  /// The host side as Docker's CLI joins it: `0.0.0.0:4000`, `[::]:4000`.
  public var displayHostPort: String {
    displayHostIP.contains(":") ? "[\(displayHostIP)]:\(hostPort)" : "\(displayHostIP):\(hostPort)"
  }

  /// Docker's order: container port, host address, host port, protocol.
  public static func dockerOrder(_ a: PortBinding, _ b: PortBinding) -> Bool {
    (a.containerPort, a.displayHostIP, a.hostPort, a.proto) < (b.containerPort, b.displayHostIP, b.hostPort, b.proto)
  }

  /// Docker's PORTS column (the CLI's `DisplayablePorts`): sorted as `dockerOrder`, each
  /// mapping to another port on its own (`0.0.0.0:4000->80/tcp`), then runs of ports mapped
  /// to themselves or only exposed, grouped per address and protocol (`0.0.0.0:7000-7001->7000-7001/udp`,
  /// `443/tcp`).
  public static func render(bindings: [PortBinding], exposed: [String]) -> String {
    var all = bindings
    let published = Set(bindings.map(\.portKey))
    for key in exposed where !published.contains(key) {
      let kv = key.split(separator: "/").map(String.init)
      // An exposed port: no host address (hostIP "-" sorts it apart and marks it).
      all.append(
        PortBinding(hostIP: "-", hostPort: 0, containerPort: Int(kv[0]) ?? 0, proto: kv.count > 1 ? kv[1] : "tcp"))
    }
    all.sort { a, b in
      let ai = a.hostIP == "-" ? "" : a.displayHostIP
      let bi = b.hostIP == "-" ? "" : b.displayHostIP
      return (a.containerPort, ai, a.hostPort, a.proto) < (b.containerPort, bi, b.hostPort, b.proto)
    }
    func group(_ key: String, _ first: Int, _ last: Int) -> String {
      let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
      let (ip, proto) = (parts[0], parts[1])
      let range = first == last ? "\(first)" : "\(first)-\(last)"
      guard !ip.isEmpty else { return "\(range)/\(proto)" }
      let host = ip.contains(":") ? "[\(ip)]:\(range)" : "\(ip):\(range)"
      return "\(host)->\(range)/\(proto)"
    }
    var mappings: [String] = []
    var result: [String] = []
    var groups: [String: (first: Int, last: Int)] = [:]
    var keys: [String] = []
    for b in all {
      let ip = b.hostIP == "-" ? "" : b.displayHostIP
      if !ip.isEmpty && b.hostPort != b.containerPort {
        mappings.append("\(b.displayHostPort)->\(b.containerPort)/\(b.proto)")
        continue
      }
      let key = ip + "/" + b.proto
      guard let g = groups[key] else {
        groups[key] = (b.containerPort, b.containerPort)
        keys.append(key)
        continue
      }
      if b.containerPort == g.last + 1 {
        groups[key] = (g.first, b.containerPort)
        continue
      }
      result.append(group(key, g.first, g.last))
      groups[key] = (b.containerPort, b.containerPort)
    }
    let grouped = result + keys.compactMap { k in groups[k].map { group(k, $0.first, $0.last) } }
    return (mappings + grouped).joined(separator: ", ")
  }
}
