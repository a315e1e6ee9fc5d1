import BerthSystem

#if canImport(Glibc)
import Glibc
#endif

/// The IPv6 side of published ports, as Docker's docker-proxy: containers have only IPv4
/// addresses, and the kernel will not NAT `[::1]` (or any IPv6 address) to one, so a small
/// process listens on `[::]:hostPort` (IPv6 only; IPv4 stays with the DNAT rules) and relays
/// to the container's address. `curl http://localhost:4000` may try `::1` first. One proxy
/// process per container with published ports. TCP: a thread per direction of each
/// connection. UDP: a flow per client address, with its own socket to the container and a
/// thread relaying the answers; a flow idle for `udpIdleSeconds` ends (Docker's 90 s).
public final class PortProxy: @unchecked Sendable {
  /// One listener: the IPv6 address (`::` for every address) and port, and where it relays to.
  public struct Route: Sendable, Equatable {
    public var listen: String
    public var port: Int
    public var target: IPv4Address
    public var targetPort: Int
    /// `tcp` or `udp`.
    public var proto: String

    /// A route from `[listen]:port` to `target:targetPort`.
    public init(listen: String = "::", port: Int, target: IPv4Address, targetPort: Int, proto: String = "tcp") {
      self.listen = listen
      self.port = port
      self.target = target
      self.targetPort = targetPort
      self.proto = proto
    }

    /// `[::]:4000=172.17.0.2:80` (TCP) or `[::]:53/udp=172.17.0.2:53`, as passed to `berth __proxy`.
    public var argument: String {
      "[\(listen)]:\(port)\(proto == "udp" ? "/udp" : "")=\(target):\(targetPort)"
    }

    /// Parses `argument`.
    public init?(argument: String) {
      let sides = argument.split(separator: "=")
      guard sides.count == 2 else { return nil }
      let proto = sides[0].hasSuffix("/udp") ? "udp" : "tcp"
      let left = proto == "udp" ? sides[0].dropLast(4) : sides[0]
      guard left.hasPrefix("["), let close = left.lastIndex(of: "]"),
        let port = Int(left[left.index(after: close)...].dropFirst()),
        let colon = sides[1].lastIndex(of: ":"), let target = IPv4Address(sides[1][..<colon]),
        let targetPort = Int(sides[1][sides[1].index(after: colon)...])
      else { return nil }
      self.init(
        listen: String(left[left.index(after: left.startIndex)..<close]), port: port, target: target,
        targetPort: targetPort, proto: proto)
    }
  }

  let routes: [Route]
  var listeners: [Int32] = []
  /// How long a UDP flow lives without traffic from the container.
  public static let udpIdleSeconds = 90

  /// A proxy for routes.
  public init(routes: [Route]) { self.routes = routes }

  /// Whether the host has IPv6 loopback (`::1`), i.e. whether a proxy is worth starting.
  public static var hostHasIPv6: Bool {
    guard let bytes = try? FileSystem.read("/proc/net/if_inet6") else { return false }
    return String(decoding: bytes, as: UTF8.self).contains("00000000000000000000000000000001")
  }

  /// Binds every listener (call before reporting readiness).
  public func bind() throws {
    for r in routes {
      let type = r.proto == "udp" ? SOCK_DGRAM : SOCK_STREAM
      let fd = try syscall("socket", "\(r.proto)6") {
        socket(AF_INET6, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
      }
      listeners.append(fd)
      var one: Int32 = 1
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
      setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
      var addr = sockaddr_in6()
      addr.sin6_family = sa_family_t(AF_INET6)
      addr.sin6_port = UInt16(r.port).bigEndian
      guard inet_pton(AF_INET6, r.listen, &addr.sin6_addr) == 1 else {
        throw SystemError("inet_pton", r.listen, errno: EINVAL)
      }
      try syscall("bind", "[\(r.listen)]:\(r.port)") {
        withUnsafePointer(to: &addr) {
          $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
          }
        }
      }
      if r.proto == "tcp" { try syscall("listen", "[\(r.listen)]:\(r.port)") { listen(fd, 128) } }
    }
  }

  /// Accepts and relays until the process is ended.
  public func serve() -> Never {
    var fds = listeners.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let flows = UDPFlows()
    while true {
      if poll(&fds, nfds_t(fds.count), -1) <= 0 { continue }
      for (i, p) in fds.enumerated() where p.revents & Int16(POLLIN) != 0 {
        if routes[i].proto == "udp" {
          flows.forward(from: p.fd, to: routes[i])
          continue
        }
        let client = accept(p.fd, nil, nil)
        if client < 0 { continue }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        let route = routes[i]
        Self.detach { Self.relay(client, to: route) }
      }
    }
  }

  /// A socket of `type` connected to the route's target, or -1.
  static func connectTarget(_ route: Route, type: __socket_type) -> Int32 {
    let fd = socket(AF_INET, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return -1 }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = UInt16(route.targetPort).bigEndian
    addr.sin_addr.s_addr = route.target.value.bigEndian
    let connected = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    if connected != 0 {
      close(fd)
      return -1
    }
    return fd
  }

  /// Connects to the route's target and copies both ways until both sides are done.
  static func relay(_ client: Int32, to route: Route) {
    let upstream = connectTarget(route, type: SOCK_STREAM)
    guard upstream >= 0 else {
      close(client)
      return
    }
    let done = Countdown(2) {
      close(client)
      close(upstream)
    }
    detach {
      copy(from: upstream, to: client)
      done.tick()
    }
    copy(from: client, to: upstream)
    done.tick()
  }

  /// Copies until EOF or an error, then half-closes the destination.
  static func copy(from source: Int32, to destination: Int32) {
    var buffer = [UInt8](repeating: 0, count: 65536)
    outer: while true {
      let n = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      var sent = 0
      while sent < n {
        let w = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + sent, n - sent, Int32(MSG_NOSIGNAL)) }
        if w < 0 && errno == EINTR { continue }
        if w <= 0 { break outer }
        sent += w
      }
    }
    shutdown(destination, Int32(SHUT_WR))
  }

  /// Runs body on a new detached thread.
  static func detach(_ body: @escaping @Sendable () -> Void) {
    let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(
      &thread, nil,
      { arg in
        let body = Unmanaged<ThreadBody>.fromOpaque(arg!).takeRetainedValue()
        body.run()
        return nil
      }, box)
    if rc == 0 {
      pthread_detach(thread)
    } else {
      Unmanaged<ThreadBody>.fromOpaque(box).takeRetainedValue().run()
    }
  }
}

/// A closure carried into a new thread.
final class ThreadBody: @unchecked Sendable {
  let run: @Sendable () -> Void
  init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// Runs its action when ticked `count` times (from any threads).
final class Countdown: @unchecked Sendable {
  var remaining: Int
  let action: @Sendable () -> Void
  var lock = pthread_mutex_t()

  init(_ count: Int, _ action: @escaping @Sendable () -> Void) {
    remaining = count
    self.action = action
    pthread_mutex_init(&lock, nil)
  }

  func tick() {
    pthread_mutex_lock(&lock)
    remaining -= 1
    let fire = remaining == 0
    pthread_mutex_unlock(&lock)
    if fire { action() }
  }
}
