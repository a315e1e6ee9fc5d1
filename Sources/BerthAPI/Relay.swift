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
  private var sink: (any Channel)?
  private var pending: [ByteBuffer] = []
  private var inputClosed = false
  private var closeHandlers: [@Sendable () -> Void] = []
  private let lock = NSLock()
  private var client: (any Channel)?

  init(forwardInput: Bool) { self.forwardInput = forwardInput }

  /// The client channel, once the relay is in its pipeline (from any thread).
  var channel: (any Channel)? { lock.withLock { client } }

  func handlerAdded(context: ChannelHandlerContext) { lock.withLock { client = context.channel } }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard forwardInput else { return }
    let buffer = unwrapInboundIn(data)
    if let sink { sink.writeAndFlush(buffer, promise: nil) } else { pending.append(buffer) }
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
