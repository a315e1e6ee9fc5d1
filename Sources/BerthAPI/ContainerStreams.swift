import BerthEngine
import BerthOCI
import BerthSystem
import BerthTemplate
import CBerth
import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Container list, logs, attach and resize.
extension APIServer {
  func listContainers(_ r: APIRequest, _ out: Responder) throws {
    let filters = try r.filters()
    var list = try engine.containers.list(all: r.flag("all") || filters["status"] != nil)
    list = list.filter { Self.matches($0, filters) }
    list = try filterByRelations(list, filters)
    if let limit = try r.int("limit"), limit > 0 { list = Array(list.prefix(limit)) }
    out.json(.array(list.map(summary)))
  }

  /// The filters that look beyond the record: before, since, network, volume, publish, expose.
  func filterByRelations(_ list: [ContainerRecord], _ filters: [String: [String]]) throws -> [ContainerRecord] {
    var list = list
    if let before = filters["before"]?.first {
      let created = try engine.containers.get(before).created
      list = list.filter { $0.created < created }
    }
    if let since = filters["since"]?.first {
      let created = try engine.containers.get(since).created
      list = list.filter { $0.created > created }
    }
    if let networks = filters["network"], !networks.isEmpty {
      let wanted = Set(networks.compactMap { try? engine.networks.get($0).id })
      list = list.filter { c in
        ((try? engine.networks.endpoints(of: c.id)) ?? []).contains { wanted.contains($0.0.id) }
      }
    }
    if let volumes = filters["volume"], !volumes.isEmpty {
      list = list.filter { c in
        (c.config.mountPoints ?? []).contains { m in volumes.contains { $0 == m.name || $0 == m.destination } }
      }
    }
    for key in ["publish", "expose"] {
      guard let ports = filters[key], !ports.isEmpty else { continue }
      list = list.filter { c in
        let keys: [String] =
          key == "expose"
          ? Array((c.config.config.exposedPorts ?? [:]).keys)
          : ((try? engine.networks.ports(of: c.id)) ?? []).map { key == "publish" ? "\($0.hostPort)/\($0.proto)" : "" }
        return ports.contains { p in keys.contains(p.contains("/") ? p : p + "/tcp") }
      }
    }
    return list
  }

  static func matches(_ c: ContainerRecord, _ filters: [String: [String]]) -> Bool {
    for (key, values) in filters where !values.isEmpty {
      let ok: Bool
      switch key {
      case "id": ok = values.contains { c.id.hasPrefix($0) }
      case "name": ok = values.contains { c.name.contains($0.hasPrefix("/") ? String($0.dropFirst()) : $0) }
      case "status": ok = values.contains(c.state.rawValue)
      case "label":
        let labels = c.config.config.labels ?? [:]
        ok = values.allSatisfy { f in
          let kv = f.split(separator: "=", maxSplits: 1).map(String.init)
          return kv.count == 1 ? labels[kv[0]] != nil : labels[kv[0]] == kv[1]
        }
      case "ancestor": ok = values.contains { $0 == c.imageName || c.imageID.description.contains($0) }
      case "exited": ok = c.state == .exited && values.contains(String(c.exitCode))
      case "health": ok = values.contains(c.health?.status ?? "none")
      case "is-task": ok = values.contains("false")
      default: ok = true
      }
      if !ok { return false }
    }
    return true
  }

  /// One entry of `GET /containers/json`, with its published ports and networks.
  func summary(_ c: ContainerRecord) -> JSONValue {
    let created = Int64(Timestamp.parse(c.created)?.timeIntervalSince1970 ?? 0)
    var ports: [JSONValue] = []
    var networks: [(String, JSONValue)] = []
    if c.state == .running || c.state == .paused {
      let published = (try? engine.networks.reportedPorts(of: c.id)) ?? []
      for b in published {
        ports.append([
          "IP": .string(b.displayHostIP), "PrivatePort": .int(Int64(b.containerPort)),
          "PublicPort": .int(Int64(b.hostPort)), "Type": .string(b.proto),
        ])
      }
      for key in (c.config.config.exposedPorts ?? [:]).keys.sorted()
      where !published.contains(where: { $0.portKey == key }) {
        let parts = key.split(separator: "/").map(String.init)
        ports.append(["PrivatePort": .int(Int64(parts[0]) ?? 0), "Type": .string(parts.count > 1 ? parts[1] : "tcp")])
      }
      for (n, e) in (try? engine.networks.endpoints(of: c.id)) ?? [] {
        networks.append(
          (
            n.name,
            [
              "NetworkID": .string(n.id), "IPAddress": .string(e.address.description),
              "Gateway": .string(n.gateway?.description ?? ""), "IPPrefixLen": .int(Int64(n.subnet?.prefix ?? 0)),
              "MacAddress": .string(e.mac),
            ]
          ))
      }
    }
    return [
      "Id": .string(c.id), "Names": [.string("/" + c.name)], "Image": .string(c.imageName),
      "ImageID": .string(c.imageID.description), "Command": .string(c.config.argv.joined(separator: " ")),
      "Created": .int(created), "Ports": .array(ports),
      "Labels": .object((c.config.config.labels ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }),
      "State": .string(c.state.rawValue), "Status": .string(Self.status(c)),
      "HostConfig": ["NetworkMode": .string(c.config.host.networkMode)],
      "NetworkSettings": ["Networks": .object(networks)],
      "Mounts": [],
    ]
  }

  /// Docker's STATUS column.
  static func status(_ c: ContainerRecord) -> String {
    func since(_ t: String) -> String {
      Timestamp.parse(t).map { HumanDuration.text(Date().timeIntervalSince($0)) } ?? ""
    }
    switch c.state {
    case .created: return "Created"
    case .running:
      let health = c.health.map { $0.status == "starting" ? " (health: starting)" : " (\($0.status))" } ?? ""
      return "Up " + since(c.startedAt) + health
    case .paused: return "Up " + since(c.startedAt) + " (Paused)"
    case .exited: return "Exited (\(c.exitCode)) " + since(c.finishedAt) + " ago"
    case .restarting: return "Restarting (\(c.exitCode)) " + since(c.finishedAt) + " ago"
    case .removing: return "Removal In Progress"
    case .dead: return "Dead"
    }
  }

  /// `GET /containers/{id}/logs`: Docker's multiplexed stream (raw with a terminal).
  func containerLogs(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let c = try engine.containers.get(ref)
    let stdout = r.flag("stdout")
    let stderr = r.flag("stderr")
    guard stdout || stderr else {
      throw BerthError.invalid("Bad parameters: you must choose at least one stream")
    }
    var options = LogOptions()
    options.follow = r.flag("follow")
    if let tail = r.query["tail"], tail != "all", !tail.isEmpty {
      guard let n = Int(tail) else { throw BerthError.invalid("invalid tail value: \(tail)") }
      options.tail = n
    }
    options.since = try Self.time(r.query["since"])
    options.until = try Self.time(r.query["until"])
    let timestamps = r.flag("timestamps")
    let tty = c.config.config.tty ?? false
    out.startStream(
      contentType: tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream")
    var alive = true
    try engine.containers.logs(c.id, options: options) { entry in
      guard alive else { return }
      let isErr = entry.stream == "stderr"
      guard isErr ? stderr : stdout else { return }
      var payload = entry.bytes
      if timestamps { payload = Array((entry.time + " ").utf8) + payload }
      if tty {
        alive = out.write(payload)
      } else {
        let n = UInt32(payload.count)
        let header: [UInt8] = [
          isErr ? 2 : 1, 0, 0, 0, UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff),
        ]
        alive = out.write(header + payload)
      }
    }
    _ = try? out.endStream().wait()
  }

  /// Docker's time parameters: unix seconds with an optional fraction (0 = none).
  static func time(_ value: String?) throws -> Date? {
    guard let value, !value.isEmpty, value != "0" else { return nil }
    if let seconds = Double(value) { return Date(timeIntervalSince1970: seconds) }
    if let date = Timestamp.parse(value) { return date }
    throw BerthError.invalid("invalid time value: \(value)")
  }

  /// `POST /containers/{id}/attach`: the connection is hijacked and relayed to the monitor's
  /// attach socket; before the container starts, the relay waits for the start route.
  func attachContainer(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let c = try engine.containers.get(ref)
    let tty = c.config.config.tty ?? false
    let withStdin = r.flag("stdin") && (c.config.config.openStdin ?? false)
    let keys =
      tty && withStdin
      ? try ClientRelayHandler.parseDetachKeys(
        (r.query["detachKeys"] ?? "").isEmpty ? "ctrl-p,ctrl-q" : r.query["detachKeys"] ?? "") : nil
    let relay = ClientRelayHandler(forwardInput: withStdin, detachKeys: keys)
    let mode: UInt8 = withStdin && c.config.config.stdinOnce == true ? UInt8(ascii: "a") : UInt8(ascii: "A")
    // Registered before the 101 goes out: the client starts the container as soon as it has it.
    let token = attachments.add(c.id) { [self] in connectAttach(c.id, relay: relay, mode: mode) }
    do {
      try out.hijack(
        contentType: tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream",
        relay: relay
      ).wait()
    } catch {
      attachments.cancel(c.id, token)
      return
    }
    guard let client = relay.channel else { return }
    relay.onClose(on: client.eventLoop) { [attachments] in attachments.cancel(c.id, token) }
    if r.flag("logs") { replayLogs(c, to: client, stdout: r.flag("stdout"), stderr: r.flag("stderr"), tty: tty) }
    let now = try? engine.containers.get(c.id)
    if let now, [.running, .paused].contains(now.state), attachments.cancel(c.id, token) {
      connectAttach(c.id, relay: relay, mode: mode)
    } else if !r.flag("stream"), now == nil || [.exited, .dead].contains(now?.state), attachments.cancel(c.id, token) {
      // stream=0 on a stopped container: nothing more will come than the logs.
      client.closeAfterWrites()
    }
  }

  /// `attach` with `logs=1`: what the container wrote so far, before any live output, framed
  /// as the attach stream is (raw with a terminal).
  func replayLogs(_ c: ContainerRecord, to client: any Channel, stdout: Bool, stderr: Bool, tty: Bool) {
    try? engine.containers.logs(c.id, options: LogOptions()) { entry in
      let isErr = entry.stream == "stderr"
      guard isErr ? stderr : stdout else { return }
      var bytes = entry.bytes
      if !tty {
        let n = UInt32(bytes.count)
        bytes =
          [isErr ? 2 : 1, 0, 0, 0, UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
          + bytes
      }
      client.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }
  }

  /// Connects a hijacked client to the monitor's attach socket, waiting up to 5 s for the
  /// socket to appear (the monitor is starting).
  func connectAttach(_ id: String, relay: ClientRelayHandler, mode: UInt8) {
    var waited = 0
    while relay.channel == nil && waited < 200 {
      usleep(5_000)
      waited += 1
    }
    guard let client = relay.channel else { return }
    let path = engine.containers.attachSocket(id)
    let bootstrap = ClientBootstrap(group: group).channelInitializer { channel in
      channel.eventLoop.makeCompletedFuture {
        try channel.pipeline.syncOperations.addHandler(
          SourceRelayHandler(
            client: client, stream: nil,
            onEnd: {
              Trace.mark("attach source ended")
              client.closeAfterWrites()
            }))
      }
    }
    // The monitor makes its socket just after the helper has reported the start: look for it
    // every millisecond (a stat), and only now and then whether the container still runs.
    for attempt in 1...5000 {
      if FileSystem.exists(path), let channel = try? bootstrap.connect(unixDomainSocketPath: path).wait() {
        Trace.mark("attach connected")
        channel.writeAndFlush(ByteBuffer(bytes: [mode]), promise: nil)
        relay.connect(to: channel, on: client.eventLoop)
        client.closeFuture.whenComplete { _ in channel.close(promise: nil) }
        return
      }
      if attempt % 20 == 0 {
        guard client.isActive, let c = try? engine.containers.get(id), [.running, .paused].contains(c.state) else {
          break
        }
      }
      usleep(1_000)
    }
    client.closeAfterWrites()
  }

  /// `POST /containers/{id}/resize?h=&w=`: the monitor resizes the terminal.
  func resizeContainer(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let c = try engine.containers.get(ref)
    let rows = try r.int("h") ?? 0
    let cols = try r.int("w") ?? 0
    if c.config.config.tty == true, c.state == .running {
      let sock = berth_attach_connect(engine.containers.attachSocket(c.id))
      if sock >= 0 {
        let msg: [UInt8] = [
          UInt8(ascii: "R"), UInt8((rows >> 8) & 0xff), UInt8(rows & 0xff), UInt8((cols >> 8) & 0xff),
          UInt8(cols & 0xff),
        ]
        _ = msg.withUnsafeBytes { Glibc.write(sock, $0.baseAddress, $0.count) }
        close(sock)
      }
    }
    out.send(.ok)
  }
}
