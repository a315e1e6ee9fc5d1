import BerthEngine
import BerthOCI
import BerthRuntime
import BerthSystem
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// The Docker Engine API server (`berth daemon`): HTTP/1.1 over unix sockets with SwiftNIO.
///
/// Requests are read whole on the event loop and handled on a thread of their own, because
/// every engine call blocks (SQLite, spawning, waiting for containers); the event loops only
/// move bytes.
///
/// ```swift
/// let server = try APIServer(engine: Engine())
/// try server.listen(unixSocket: "/run/berth/berth.sock", group: "berth")
/// try server.run()  // until the process ends
/// ```
public final class APIServer: Sendable {
  /// The API version served (the newest the server speaks).
  public static let apiVersion = "1.44"
  /// The oldest API version accepted.
  public static let minimumAPIVersion = "1.24"
  /// The engine version reported by `/version`.
  public static let engineVersion = "25.0.0-berth"

  /// The engine every route calls.
  let engine: Engine
  let group: MultiThreadedEventLoopGroup
  /// Attach connections waiting for their container to start.
  let attachments = Attachments()
  /// Exits the daemon has seen (for `wait`).
  let exits = ExitRecords()
  /// Exec instances created through the API.
  let execs = ExecRegistry()
  /// Where large request bodies are spilled.
  let temporaryDirectory: String
  private let channels = ChannelList()
  private let idleMemory = IdleMemory()

  /// Makes a server on engine; nothing listens until `listen`.
  public init(engine: Engine, threads: Int = 2) throws {
    self.engine = engine
    IdleMemory.limitArenas()
    group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    temporaryDirectory = engine.paths.dataRoot + "/tmp/api"
    try FileSystem.makeDirectory(temporaryDirectory, mode: 0o700)
  }

  /// Listens on a unix socket: mode 0660, owned by root and `group` when that group exists.
  /// An address may be given as `unix:///path` or as a path.
  public func listen(unixSocket address: String, group groupName: String?) throws {
    let path = address.hasPrefix("unix://") ? String(address.dropFirst(7)) : address
    guard path.hasPrefix("/") else { throw BerthError.invalid("invalid daemon address: \(address)") }
    try FileSystem.makeDirectory(PathName.parent(path), mode: 0o755)
    let channel: any Channel
    do {
      channel = try bootstrap().bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).wait()
    } catch {
      throw BerthError(.unavailable, "cannot listen on \(path): \(error)")
    }
    chmod(path, 0o660)
    if let groupName, let gid = Self.groupID(groupName) { chown(path, 0, gid) }
    channels.add(channel)
  }

  /// The id of the host's group `name` (a name in /etc/group, or a number), nil when unknown.
  /// Read from the file, not through NSS: getgrnam would load libnss_systemd into the daemon for
  /// good (300 KB) for one lookup at start.
  static func groupID(_ name: String) -> gid_t? {
    let file = (try? FileSystem.read("/etc/group")).map { String(decoding: $0, as: UTF8.self) }
    return try? UserLookup.resolve("0:\(name)", passwd: nil, group: file).gid
  }

  /// Listens on TCP (`tcp://127.0.0.1:2375`). Without client verification the API is root on
  /// this machine for whoever reaches it, so only loopback addresses are accepted then; with
  /// `tls.verifyClients` any address is.
  public func listen(tcp address: String, tls: DaemonTLS? = nil) throws {
    let rest = address.hasPrefix("tcp://") ? String(address.dropFirst(6)) : address
    guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
      (1...65535).contains(port)
    else { throw BerthError.invalid("invalid daemon address \(address): want tcp://HOST:PORT") }
    var host = String(rest[..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    if host.isEmpty { host = "127.0.0.1" }
    guard host == "localhost" || host == "::1" || host.hasPrefix("127.") || tls?.verifyClients == true else {
      throw BerthError.invalid(
        "refusing to listen on \(address) without --tlsverify: anyone who reaches it controls this machine; "
          + "use 127.0.0.1")
    }
    let context = try tls?.context()
    do {
      channels.add(try bootstrap(tls: context).bind(host: host, port: port).wait())
    } catch {
      throw BerthError(.unavailable, "cannot listen on \(address): \(error)")
    }
  }

  private func bootstrap(tls: NIOSSLContext? = nil) -> ServerBootstrap {
    ServerBootstrap(group: group)
      .serverChannelOption(ChannelOptions.backlog, value: 256)
      // A restarted daemon must get its TCP port back while old connections sit in TIME-WAIT.
      .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
      .childChannelInitializer { [self] channel in
        channel.eventLoop.makeCompletedFuture {
          let sync = channel.pipeline.syncOperations
          if let tls { try sync.addHandler(NIOSSLServerHandler(context: tls), name: "tls") }
          try sync.addHandler(HTTPResponseEncoder(), name: "http-encoder")
          try sync.addHandler(
            ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)), name: "http-decoder")
          try sync.addHandler(HTTPHandler(server: self), name: "http-handler")
        }
      }
  }

  /// Serves until every listening socket is closed.
  public func run() throws {
    Reaper.start()
    idleMemory.start(on: group.next())
    for channel in channels.all { try channel.closeFuture.wait() }
  }

  /// Closes the listening sockets and stops the event loops.
  public func shutdown() throws {
    for channel in channels.all { try? channel.close().wait() }
    try group.syncShutdownGracefully()
  }

  /// Runs a request on a thread of its own.
  func dispatch(_ request: APIRequest, _ responder: Responder) {
    idleMemory.requestDispatched()
    let thread = Thread { [self] in
      do {
        try Router.handle(request, responder, server: self)
      } catch {
        responder.fail(error)
      }
      if let path = request.bodyFile { unlink(path) }
    }
    thread.stackSize = 1 << 20
    thread.start()
  }

  /// Replaces the HTTP handlers of a hijacked connection with relay; on the channel's loop.
  func switchToRaw(_ channel: any Channel, relay: ClientRelayHandler) -> EventLoopFuture<Void> {
    channel.eventLoop.assertInEventLoop()
    let sync = channel.pipeline.syncOperations
    do {
      try sync.addHandler(relay, name: "relay")
      for name in ["http-handler", "http-encoder", "http-decoder"] {
        _ = sync.removeHandler(name: name)
      }
    } catch {
      return channel.eventLoop.makeFailedFuture(error)
    }
    return channel.eventLoop.makeSucceededVoidFuture()
  }
}

/// The listening channels.
final class ChannelList: @unchecked Sendable {
  private let lock = NSLock()
  private var channels: [any Channel] = []

  func add(_ channel: any Channel) { lock.withLock { channels.append(channel) } }
  var all: [any Channel] { lock.withLock { channels } }
}
