import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The UDP flows of a proxy: one per client address, each with a socket connected to the
/// container and a thread that sends the container's answers back to that client from the
/// listening socket (so they come from the published address and port).
final class UDPFlows: @unchecked Sendable {
  /// Client address (the raw sockaddr_in6 bytes) → the socket to the container.
  private var upstreams: [[UInt8]: Int32] = [:]
  private let lock = NSLock()

  /// Reads one datagram from `listener` and sends it to the route's target on the client's flow.
  func forward(from listener: Int32, to route: PortProxy.Route) {
    var buffer = [UInt8](repeating: 0, count: 65536)
    var client = sockaddr_in6()
    var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
    let n = buffer.withUnsafeMutableBytes { b in
      withUnsafeMutablePointer(to: &client) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          recvfrom(listener, b.baseAddress, b.count, 0, $0, &length)
        }
      }
    }
    guard n >= 0 else { return }
    let key = withUnsafeBytes(of: &client) { Array($0) }
    lock.lock()
    var upstream = upstreams[key] ?? -1
    if upstream < 0 {
      upstream = PortProxy.connectTarget(route, type: SOCK_DGRAM)
      if upstream >= 0 {
        upstreams[key] = upstream
        var timeout = timeval(tv_sec: PortProxy.udpIdleSeconds, tv_usec: 0)
        setsockopt(upstream, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let (fd, peer) = (upstream, client)
        PortProxy.detach { self.answer(key: key, client: peer, upstream: fd, listener: listener) }
      }
    }
    // Sent under the lock: an idle flow's thread closes the socket under it too, so the fd
    // cannot be closed (and its number reused) between the lookup and the send.
    if upstream >= 0 { _ = buffer.withUnsafeBytes { send(upstream, $0.baseAddress, n, Int32(MSG_NOSIGNAL)) } }
    lock.unlock()
  }

  /// Relays the container's datagrams to the client until the flow is idle, then ends it.
  private func answer(key: [UInt8], client: sockaddr_in6, upstream: Int32, listener: Int32) {
    var buffer = [UInt8](repeating: 0, count: 65536)
    var to = client
    while true {
      let n = buffer.withUnsafeMutableBytes { recv(upstream, $0.baseAddress, $0.count, 0) }
      if n < 0 && errno == EINTR { continue }
      // A timeout (idle flow) ends it; so does ECONNREFUSED from nothing listening in the
      // container, as Docker's proxy does.
      if n < 0 { break }
      _ = buffer.withUnsafeBytes { b in
        withUnsafePointer(to: &to) {
          $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            sendto(listener, b.baseAddress, n, Int32(MSG_NOSIGNAL), $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
          }
        }
      }
    }
    lock.lock()
    upstreams[key] = nil
    close(upstream)
    lock.unlock()
  }
}
