import BerthSystem

#if canImport(Glibc)
import Glibc
#endif

/// The embedded DNS of a user-defined network (the aardvark-dns model): a UDP responder on the
/// network's gateway address, port 53. It answers the names in a hosts file the engine rewrites
/// whenever a container joins or leaves (`IP name alias… `, IPv4 or IPv6; reread when it
/// changes) and forwards
/// every other question to the host's resolvers, or to a container's own `--dns` servers when
/// the file names them (`@upstream CLIENT-IP SERVER…`). A legacy link is an alias that only
/// its container resolves, to whatever address its target has at the time of the question
/// (`@link CLIENT-IP ALIAS TARGET`).
public final class DNSResponder {
  let listen: IPv4Address
  let hostsFile: String
  let upstreams: [IPv4Address]
  var names: [String: [IPv4Address]] = [:]
  var names6: [String: [IPv6Address]] = [:]
  var reverse: [IPv4Address: String] = [:]
  var clientUpstreams: [IPv4Address: [IPv4Address]] = [:]
  var clientLinks: [IPv4Address: [String: String]] = [:]
  var loadedStamp = timespec()
  var pending: [UInt16: (id: UInt16, client: sockaddr_in, time: Int)] = [:]
  var nextID: UInt16 = UInt16.random(in: 0...UInt16.max)

  /// A responder for listen:53 serving hostsFile, forwarding to upstreams.
  public init(listen: IPv4Address, hostsFile: String, upstreams: [IPv4Address]) {
    self.listen = listen
    self.hostsFile = hostsFile
    self.upstreams = upstreams
  }

  static func address(_ a: IPv4Address, port: UInt16) -> sockaddr_in {
    var s = sockaddr_in()
    s.sin_family = sa_family_t(AF_INET)
    s.sin_port = port.bigEndian
    s.sin_addr.s_addr = a.value.bigEndian
    return s
  }

  /// Binds the listening socket (call before reporting readiness); returns it.
  public func bind() throws -> Int32 {
    let fd = try syscall("socket", "udp") {
      socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }
    var one: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var addr = Self.address(listen, port: 53)
    try syscall("bind", "\(listen):53") {
      withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
    }
    return fd
  }

  /// Serves on the bound socket until `shouldStop` says so (checked every second).
  public func serve(_ fd: Int32, shouldStop: () -> Bool) throws {
    let upstream = try syscall("socket", "udp") {
      socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }
    var fds = [
      pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: upstream, events: Int16(POLLIN), revents: 0),
    ]
    var buffer = [UInt8](repeating: 0, count: 4096)
    while !shouldStop() {
      let n = poll(&fds, 2, 1000)
      if n <= 0 { continue }
      if fds[0].revents & Int16(POLLIN) != 0, let (bytes, client) = receive(fd, &buffer) {
        handle(bytes, from: client, socket: fd, upstream: upstream)
      }
      if fds[1].revents & Int16(POLLIN) != 0, var (bytes, _) = receive(upstream, &buffer), bytes.count >= 2 {
        let key = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        if let p = pending.removeValue(forKey: key) {
          bytes[0] = UInt8(p.id >> 8)
          bytes[1] = UInt8(p.id & 0xff)
          send(bytes, to: p.client, on: fd)
        }
      }
      let now = Int(time(nil))
      pending = pending.filter { now - $0.value.time < 10 }
    }
  }

  func receive(_ fd: Int32, _ buffer: inout [UInt8]) -> ([UInt8], sockaddr_in)? {
    var from = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let n = buffer.withUnsafeMutableBytes { buf in
      withUnsafeMutablePointer(to: &from) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          recvfrom(fd, buf.baseAddress, buf.count, 0, $0, &length)
        }
      }
    }
    return n > 0 ? (Array(buffer[0..<n]), from) : nil
  }

  func send(_ bytes: [UInt8], to address: sockaddr_in, on fd: Int32) {
    var to = address
    _ = bytes.withUnsafeBytes { buf in
      withUnsafePointer(to: &to) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          sendto(fd, buf.baseAddress, buf.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
    }
  }

  func handle(_ bytes: [UInt8], from client: sockaddr_in, socket fd: Int32, upstream: Int32) {
    guard let query = DNSMessage(query: bytes) else { return }
    reloadIfChanged()
    let source = IPv4Address(UInt32(bigEndian: client.sin_addr.s_addr))
    if let target = clientLinks[source]?[query.name], names[target] != nil {
      send(answer(query, name: target), to: client, on: fd)
      return
    }
    if names[query.name] != nil {
      send(answer(query, name: query.name), to: client, on: fd)
      return
    }
    if query.type == DNSMessage.typePTR, let address = DNSMessage.reverseAddress(query.name),
      let name = reverse[address]
    {
      send(query.response(pointer: name), to: client, on: fd)
      return
    }
    guard let server = clientUpstreams[source]?.first ?? upstreams.first else {
      send(query.response(rcode: 2), to: client, on: fd)
      return
    }
    nextID &+= 1
    pending[nextID] = (query.id, client, Int(time(nil)))
    var forwarded = bytes
    forwarded[0] = UInt8(nextID >> 8)
    forwarded[1] = UInt8(nextID & 0xff)
    send(forwarded, to: Self.address(server, port: 53), on: upstream)
  }

  /// The answer for a name of the network: its A or AAAA records, none for other types.
  func answer(_ query: DNSMessage, name: String) -> [UInt8] {
    switch query.type {
    case DNSMessage.typeA: query.response(addresses: names[name] ?? [])
    case DNSMessage.typeAAAA: query.response(addresses6: names6[name] ?? [])
    default: query.response()
    }
  }

  func reloadIfChanged() {
    var st = stat()
    guard stat(hostsFile, &st) == 0 else { return }
    if st.st_mtim.tv_sec == loadedStamp.tv_sec && st.st_mtim.tv_nsec == loadedStamp.tv_nsec { return }
    loadedStamp = st.st_mtim
    let text = (try? FileSystem.read(hostsFile)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    (names, reverse) = Self.parseHosts(text)
    names6 = Self.parseHosts6(text)
    clientUpstreams = Self.parseUpstreams(text)
    clientLinks = Self.parseLinks(text)
  }

  /// Parses the hosts file's `@link CLIENT-IP ALIAS TARGET` lines: client → alias → target name.
  public static func parseLinks(_ text: String) -> [IPv4Address: [String: String]] {
    var out: [IPv4Address: [String: String]] = [:]
    for line in text.split(separator: "\n") where line.hasPrefix("@link ") {
      let words = line.split(separator: " ").dropFirst().map(String.init)
      guard words.count == 3, let client = IPv4Address(words[0]) else { continue }
      out[client, default: [:]][words[1].lowercased()] = words[2].lowercased()
    }
    return out
  }

  /// Parses the hosts file's `@upstream CLIENT-IP SERVER…` lines: the servers a client's
  /// other questions go to.
  public static func parseUpstreams(_ text: String) -> [IPv4Address: [IPv4Address]] {
    var out: [IPv4Address: [IPv4Address]] = [:]
    for line in text.split(separator: "\n") where line.hasPrefix("@upstream ") {
      let words = line.split(separator: " ").dropFirst()
      guard let client = words.first.flatMap({ IPv4Address($0) }) else { continue }
      let servers = words.dropFirst().compactMap { IPv4Address($0) }
      if !servers.isEmpty { out[client] = servers }
    }
    return out
  }

  /// Parses the hosts file's IPv6 lines: name → IPv6 addresses.
  public static func parseHosts6(_ text: String) -> [String: [IPv6Address]] {
    var names: [String: [IPv6Address]] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("@") {
      let words = line.split(separator: " ")
      guard let first = words.first, let address = IPv6Address(first), words.count > 1 else { continue }
      for name in words.dropFirst() { names[name.lowercased(), default: []].append(address) }
    }
    return names
  }

  /// Parses the hosts file's IPv4 lines: name → addresses, and address → first name.
  public static func parseHosts(_ text: String) -> ([String: [IPv4Address]], [IPv4Address: String]) {
    var names: [String: [IPv4Address]] = [:]
    var reverse: [IPv4Address: String] = [:]
    for line in text.split(separator: "\n") {
      let words = line.split(separator: " ")
      guard let first = words.first, let address = IPv4Address(first), words.count > 1 else { continue }
      for name in words.dropFirst() { names[name.lowercased(), default: []].append(address) }
      reverse[address] = reverse[address] ?? String(words[1])
    }
    return (names, reverse)
  }
}
