import BerthOCI
import BerthSystem
import Foundation
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#endif

/// Reads one request at a time (head, body, end) and hands it to the server's dispatcher, which
/// runs it on a worker thread. Small bodies stay in memory; large ones (build contexts, image
/// archives) are spilled to a file in the server's temporary directory.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  /// Bodies above this size go to a file.
  static let memoryLimit = 1 << 20
  /// JSON bodies above this size are refused.
  static let jsonLimit = 16 << 20

  let server: APIServer
  private var head: HTTPRequestHead?
  private var body: [UInt8] = []
  private var spill: (fd: Int32, path: String)?
  private var failed: String?

  init(server: APIServer) { self.server = server }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let h):
      head = h
      body = []
      spill = nil
      failed = nil
    case .body(var buffer):
      guard failed == nil else { return }
      if let spill {
        let ok = buffer.withUnsafeReadableBytes { raw in
          var offset = 0
          while offset < raw.count {
            let n = Glibc.write(spill.fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
          }
          return true
        }
        if !ok { failed = "cannot store the request body: \(String(cString: strerror(errno)))" }
      } else {
        body += buffer.readBytes(length: buffer.readableBytes) ?? []
        if body.count > Self.memoryLimit { spillBody() }
      }
    case .end:
      guard let head else { return }
      self.head = nil
      let file = spill
      spill = nil
      if let file { close(file.fd) }
      let request = APIRequest(
        method: head.method, uri: head.uri, headers: head.headers, body: file == nil ? body : [],
        bodyFile: file?.path)
      body = []
      let responder = Responder(
        channel: context.channel, keepAlive: head.isKeepAlive,
        switchToRaw: { [server] channel, relay in server.switchToRaw(channel, relay: relay) })
      if let failed {
        responder.fail(status: .internalServerError, message: failed)
        if let path = file?.path { unlink(path) }
        return
      }
      Trace.mark("request \(head.method) \(head.uri)")
      server.dispatch(request, responder)
    }
  }

  private func spillBody() {
    let path = server.temporaryDirectory + "/body-\(UUID().uuidString)"
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      failed = "cannot store the request body: \(String(cString: strerror(errno)))"
      return
    }
    spill = (fd, path)
    let bytes = body
    body = []
    let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    if written != bytes.count { failed = "cannot store the request body" }
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    // Half-closure is allowed for hijacked streams (stdin EOF); before that, a client that stops
    // sending has hung up.
    if let event = event as? ChannelEvent, event == .inputClosed {
      context.close(promise: nil)
      return
    }
    context.fireUserInboundEventTriggered(event)
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    if let spill {
      close(spill.fd)
      unlink(spill.path)
    }
  }
}
