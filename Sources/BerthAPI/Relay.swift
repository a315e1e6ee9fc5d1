import BerthOCI
import Foundation
import NIOCore

/// The handler of a hijacked client connection (attach, exec start): what the client sends goes
/// to a sink channel (the monitor's attach socket, an exec's stdin pipe or pty), buffered until
/// the sink is known; the client's half-close (stdin EOF) closes the sink's output.
///
/// All state is touched on the client channel's event loop only.
final class ClientRelayHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
  typealias InboundIn = ByteBuffer

  /// Whether the client's bytes go anywhere (attach with `stdin=1`, exec with `AttachStdin`).
  let forwardInput: Bool
  /// The detach sequence (with a terminal; nil: none): once the client has typed it, the
  /// connection ends and the process goes on, as Docker's `ctrl-p,ctrl-q`.
  let detachKeys: [UInt8]?
  /// The bytes read so far that match the start of the detach sequence.
  private var matched: [UInt8] = []
  private var sink: (any Channel)?
  private var pending: [ByteBuffer] = []
  private var inputClosed = false
  private var closeHandlers: [@Sendable () -> Void] = []
  private let lock = NSLock()
  private var client: (any Channel)?

  init(forwardInput: Bool, detachKeys: [UInt8]? = nil) {
    self.forwardInput = forwardInput
    self.detachKeys = detachKeys.flatMap { $0.isEmpty ? nil : $0 }
  }

  /// The client channel, once the relay is in its pipeline (from any thread).
  var channel: (any Channel)? { lock.withLock { client } }

  func handlerAdded(context: ChannelHandlerContext) { lock.withLock { client = context.channel } }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard forwardInput else { return }
    var buffer = unwrapInboundIn(data)
    if let keys = detachKeys {
      var out: [UInt8] = []
      for byte in buffer.readableBytesView {
        if byte == keys[matched.count] {
          matched.append(byte)
          if matched.count == keys.count {
            // Detached: the process keeps its input open and runs on.
            if let sink { sink.writeAndFlush(ByteBuffer(bytes: out), promise: nil) }
            sink = nil
            pending = []
            context.close(promise: nil)
            return
          }
        } else {
          out += matched
          matched = []
          if byte == keys[0] { matched = [byte] } else { out.append(byte) }
        }
      }
      buffer = ByteBuffer(bytes: out)
    }
    if let sink { sink.writeAndFlush(buffer, promise: nil) } else { pending.append(buffer) }
  }

  /// Docker's detach key notation (`ctrl-p,ctrl-q`, `ctrl-x`, `a`) as bytes.
  static func parseDetachKeys(_ text: String) throws -> [UInt8] {
    var keys: [UInt8] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let key = part.lowercased()
      if key.count == 1, let c = key.utf8.first, key.unicodeScalars.first?.isASCII == true {
        keys.append(c)
      } else if key.hasPrefix("ctrl-"), key.count == 6, let c = key.utf8.last {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): keys.append(c - UInt8(ascii: "a") + 1)
        case UInt8(ascii: "@"): keys.append(0)
        case UInt8(ascii: "["): keys.append(27)
        case UInt8(ascii: "\\"): keys.append(28)
        case UInt8(ascii: "]"): keys.append(29)
        case UInt8(ascii: "^"): keys.append(30)
        case UInt8(ascii: "_"): keys.append(31)
        default: throw BerthError.invalid("Invalid detach keys (\(text)) provided")
        }
      } else {
        throw BerthError.invalid("Invalid detach keys (\(text)) provided")
      }
    }
    return keys
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let event = event as? ChannelEvent, event == .inputClosed {
      inputClosed = true
      if forwardInput, let sink { sink.close(mode: .output, promise: nil) }
      return
    }
    context.fireUserInboundEventTriggered(event)
  }

  func channelInactive(context: ChannelHandlerContext) {
    sink?.close(promise: nil)
    let handlers = closeHandlers
    closeHandlers = []
    for h in handlers { h() }
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }

  /// Connects the client's input to sink (from any thread).
  func connect(to sink: any Channel, on loop: any EventLoop) {
    loop.execute { [self] in
      self.sink = sink
      for b in pending { sink.write(b, promise: nil) }
      pending = []
      sink.flush()
      if forwardInput && inputClosed { sink.close(mode: .output, promise: nil) }
    }
  }

  /// Runs body once the client has gone (from any thread).
  func onClose(on loop: any EventLoop, _ body: @escaping @Sendable () -> Void) {
    loop.execute { [self] in
      if channel?.isActive == false { body() } else { closeHandlers.append(body) }
    }
  }
}

/// Reads a source (the monitor's attach socket, an exec's output pipe or pty) and writes what
/// it reads to the client, optionally framed as Docker's multiplexed stream; calls `onEnd` once
/// when the source ends.
final class SourceRelayHandler: ChannelInboundHandler, @unchecked Sendable {
  typealias InboundIn = ByteBuffer

  let client: any Channel
  /// The stream number for the 8-byte stdcopy header (1 stdout, 2 stderr), or nil for raw.
  let stream: UInt8?
  let onEnd: @Sendable () -> Void
  private var ended = false

  init(client: any Channel, stream: UInt8?, onEnd: @escaping @Sendable () -> Void) {
    self.client = client
    self.stream = stream
    self.onEnd = onEnd
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let buffer = unwrapInboundIn(data)
    if let stream {
      var framed = ByteBuffer()
      framed.writeBytes([stream, 0, 0, 0])
      framed.writeInteger(UInt32(buffer.readableBytes), endianness: .big)
      framed.writeImmutableBuffer(buffer)
      client.writeAndFlush(framed, promise: nil)
    } else {
      client.writeAndFlush(buffer, promise: nil)
    }
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let event = event as? ChannelEvent, event == .inputClosed {
      end()
      context.close(promise: nil)
      return
    }
    context.fireUserInboundEventTriggered(event)
  }

  func channelInactive(context: ChannelHandlerContext) {
    end()
    context.fireChannelInactive()
  }

  // A pty master reads EIO once the last process holding the terminal has gone.
  func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }

  private func end() {
    guard !ended else { return }
    ended = true
    onEnd()
  }
}

extension Channel {
  /// Closes the channel after everything written so far has gone out.
  func closeAfterWrites() {
    writeAndFlush(ByteBuffer()).whenComplete { [self] _ in close(promise: nil) }
  }
}
