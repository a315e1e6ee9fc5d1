import BerthSystem
import BerthTemplate
import Foundation
import NIOCore
import NIOHTTP1

/// Writes the response to one request from the worker thread that handles it. Every method may
/// be called off the event loop; writes hop to the channel's loop. Streamed writes wait for
/// the previous chunk to be written, so a slow client slows the producer down.
final class Responder: @unchecked Sendable {
  let channel: any Channel
  let keepAlive: Bool
  let switchToRaw: @Sendable (any Channel, ClientRelayHandler) -> EventLoopFuture<Void>
  private let lock = NSLock()
  private var started = false

  init(
    channel: any Channel, keepAlive: Bool,
    switchToRaw: @escaping @Sendable (any Channel, ClientRelayHandler) -> EventLoopFuture<Void>
  ) {
    self.channel = channel
    self.keepAlive = keepAlive
    self.switchToRaw = switchToRaw
  }

  /// Whether a response head was sent (a later error can then only end the stream).
  var hasStarted: Bool { lock.withLock { started } }

  private func markStarted() -> Bool {
    lock.withLock {
      if started { return false }
      started = true
      return true
    }
  }

  private func head(_ status: HTTPResponseStatus, _ headers: [(String, String)]) -> HTTPResponseHead {
    var h = HTTPHeaders(headers)
    h.add(name: "Api-Version", value: APIServer.apiVersion)
    h.add(name: "Docker-Experimental", value: "false")
    h.add(name: "Ostype", value: "linux")
    h.add(name: "Server", value: "Docker/\(APIServer.engineVersion) (linux)")
    if !keepAlive { h.add(name: "Connection", value: "close") }
    return HTTPResponseHead(version: .http1_1, status: status, headers: h)
  }

  /// Sends a whole response.
  func send(
    _ status: HTTPResponseStatus, body: [UInt8] = [], contentType: String? = nil, extraHeaders: [(String, String)] = []
  ) {
    guard markStarted() else { return }
    var headers = [("Content-Length", String(body.count))] + extraHeaders
    if let contentType { headers.append(("Content-Type", contentType)) }
    channel.write(HTTPServerResponsePart.head(head(status, headers)), promise: nil)
    if !body.isEmpty {
      channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
    }
    finish()
  }

  /// Sends a JSON value (`application/json`).
  func json(_ value: JSONValue, status: HTTPResponseStatus = .ok) {
    send(status, body: Array((value.jsonString(escapeHTML: false) + "\n").utf8), contentType: "application/json")
  }

  /// Sends an Encodable value as JSON.
  func json<T: Encodable>(encoding value: T, status: HTTPResponseStatus = .ok) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    guard let data = try? encoder.encode(value) else {
      fail(status: .internalServerError, message: "cannot encode the response")
      return
    }
    send(status, body: Array(data) + [0x0A], contentType: "application/json")
  }

  /// Sends Docker's error document.
  func fail(_ error: any Error) {
    fail(status: APIError.status(of: error), message: APIError.message(of: error))
  }

  /// Sends Docker's error document with a status and message.
  func fail(status: HTTPResponseStatus, message: String) {
    if hasStarted {
      // The head is out: all that is left is to end the stream.
      _ = try? endStream().wait()
      return
    }
    json(["message": .string(message)], status: status)
  }

  /// Sends the head of a streamed (chunked) response.
  func startStream(contentType: String, status: HTTPResponseStatus = .ok, headers: [(String, String)] = []) {
    guard markStarted() else { return }
    Trace.mark("stream started")
    let h = head(status, [("Content-Type", contentType), ("Transfer-Encoding", "chunked")] + headers)
    _ = try? channel.writeAndFlush(HTTPServerResponsePart.head(h)).wait()
  }

  /// Writes one chunk of a streamed response and waits until it is written; false when the
  /// client has gone.
  @discardableResult
  func write(_ bytes: [UInt8]) -> Bool {
    guard !bytes.isEmpty else { return channel.isActive }
    do {
      try channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: bytes)))).wait()
      return true
    } catch {
      return false
    }
  }

  /// Writes one JSON message of a streamed response (`{"stream": …}` lines of build, load).
  @discardableResult
  func writeJSON(_ value: JSONValue) -> Bool { write(Array((value.jsonString(escapeHTML: false) + "\r\n").utf8)) }

  /// Ends a streamed response.
  func endStream() -> EventLoopFuture<Void> {
    Trace.mark("stream ended")
    let future = channel.writeAndFlush(HTTPServerResponsePart.end(nil))
    if !keepAlive { future.whenComplete { [channel] _ in channel.close(promise: nil) } }
    return future
  }

  private func finish() {
    Trace.mark("response sent")
    let future = channel.writeAndFlush(HTTPServerResponsePart.end(nil))
    if !keepAlive { future.whenComplete { [channel] _ in channel.close(promise: nil) } }
  }

  /// Answers `101 Switching Protocols` and turns the connection into a raw stream. The head is
  /// written and the HTTP handlers replaced by relay in one event-loop task, so no byte (or
  /// half-close) the client sends after the 101 can reach the HTTP handlers.
  func hijack(contentType: String, relay: ClientRelayHandler) -> EventLoopFuture<Void> {
    guard markStarted() else { return channel.eventLoop.makeFailedFuture(ChannelError.alreadyClosed) }
    let h = head(
      .switchingProtocols, [("Content-Type", contentType), ("Connection", "Upgrade"), ("Upgrade", "tcp")])
    let channel = self.channel
    return channel.eventLoop.flatSubmit { [switchToRaw] in
      guard channel.isActive else { return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel) }
      channel.writeAndFlush(HTTPServerResponsePart.head(h), promise: nil)
      Trace.mark("hijacked")
      return switchToRaw(channel, relay)
    }
  }
}
