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

  /// Docker's PORTS column: `0.0.0.0:4000->80/tcp, 443/tcp`, with consecutive ports as ranges.
  public static func render(bindings: [PortBinding], exposed: [String]) -> String {
    var items: [(Int, String, String)] = []  // container port, proto, text
    let published = Set(bindings.map(\.portKey))
    for key in exposed where !published.contains(key) {
      let kv = key.split(separator: "/").map(String.init)
      items.append((Int(kv[0]) ?? 0, kv.count > 1 ? kv[1] : "tcp", key))
    }
    let sorted = bindings.sorted {
      ($0.proto, $0.containerPort, $0.hostPort) < ($1.proto, $1.containerPort, $1.hostPort)
    }
    var i = 0
    while i < sorted.count {
      let b = sorted[i]
      var j = i
      while j + 1 < sorted.count, sorted[j + 1].proto == b.proto, sorted[j + 1].hostIP == b.hostIP,
        sorted[j + 1].containerPort == sorted[j].containerPort + 1, sorted[j + 1].hostPort == sorted[j].hostPort + 1
      {
        j += 1
      }
      let e = sorted[j]
      let host = i == j ? "\(b.hostPort)" : "\(b.hostPort)-\(e.hostPort)"
      let container = i == j ? "\(b.containerPort)" : "\(b.containerPort)-\(e.containerPort)"
      items.append((b.containerPort, b.proto, "\(b.displayHostIP):\(host)->\(container)/\(b.proto)"))
      i = j + 1
    }
    return items.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.2).joined(separator: ", ")
  }
}
