import BerthEngine
import BerthOCI
import BerthSystem
import BerthTemplate
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Container lifecycle routes: create, start, stop, kill, restart, pause, rename, remove, prune,
/// inspect, top, changes.
extension APIServer {
  func createContainer(_ r: APIRequest, _ out: Responder) throws {
    let body = try r.decode(CreateBody.self)
    var options = try body.options(name: r.query["name"])
    if var net = options.host.networking, !net.connected.isEmpty {
      // Endpoints are kept by network id.
      net.connected = Dictionary(
        uniqueKeysWithValues: try net.connected.map { (try engine.networks.get($0.key).id, $0.value) })
      options.host.networking = net
    }
    let c = try engine.containers.create(options)
    out.json(["Id": .string(c.id), "Warnings": []], status: .created)
  }

  func startContainer(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let c = try engine.containers.get(ref)
    if c.state == .running || c.state == .paused {
      out.send(.notModified)
      return
    }
    try start(c.id)
    out.send(.noContent)
  }

  /// Starts a container under its monitor, connects the attach clients that wait for it, and
  /// watches for its exit.
  func start(_ id: String) throws {
    let hold = attachments.hasPending(id)
    try engine.containers.startDetached(id, holdForAttach: hold)
    Trace.mark("monitor reported")
    for connect in attachments.take(id) { connect() }
    let thread = Thread { [self] in
      if let code = try? engine.containers.wait(id) {
        Trace.mark("exit seen")
        exits.record(id, code: code)
      }
    }
    thread.stackSize = 256 << 10
    thread.start()
  }

  func stopContainer(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let c = try engine.containers.get(ref)
    guard [.running, .paused, .restarting].contains(c.state) else {
      out.send(.notModified)
      return
    }
    try engine.containers.stop(c.id, timeout: try r.int("t") ?? r.int("timeout"))
    out.send(.noContent)
  }

  func restartContainer(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let c = try engine.containers.get(ref)
    try engine.containers.stop(c.id, timeout: try r.int("t") ?? r.int("timeout"))
    try start(c.id)
    out.send(.noContent)
  }

  func killContainer(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let name = r.query["signal"] ?? "SIGKILL"
    guard let signal = Signals.number(name.isEmpty ? "SIGKILL" : name) else {
      throw BerthError.invalid("Invalid signal: \(name)")
    }
    try engine.containers.kill(ref, signal: signal)
    // As Docker: a SIGKILL returns once the container is down.
    if signal == SIGKILL {
      _ = try? engine.containers.wait(ref)
      // The monitor records the exit just after the process is reaped.
      for _ in 0..<200 {
        guard let c = try? engine.containers.get(ref), c.state == .running || c.state == .paused else { break }
        usleep(10_000)
      }
    }
    out.send(.noContent)
  }

  func pauseContainer(_ r: APIRequest, _ out: Responder, _ ref: String, pause: Bool) throws {
    if pause { try engine.containers.pause(ref) } else { try engine.containers.unpause(ref) }
    out.send(.noContent)
  }

  func renameContainer(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    guard let name = r.query["name"], !name.isEmpty else { throw BerthError.invalid("name cannot be empty") }
    try engine.containers.rename(ref, to: name)
    out.send(.noContent)
  }

  func removeContainer(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    try engine.containers.remove(ref, force: r.flag("force"), volumes: r.flag("v"))
    out.send(.noContent)
  }

  /// `DELETE /containers/{name}/{alias}?link=1`: removes the legacy link alias of container name.
  func removeLink(_ r: APIRequest, _ out: Responder, _ ref: String, alias: String) throws {
    try engine.containers.removeLink(ref, alias: alias)
    out.send(.noContent)
  }

  func pruneContainers(_ r: APIRequest, _ out: Responder) throws {
    let (ids, reclaimed) = try engine.containers.prune()
    out.json(["ContainersDeleted": .array(ids.map { .string($0) }), "SpaceReclaimed": .int(reclaimed)])
  }

  func inspectContainer(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let doc = try engine.containers.inspect(ref)
    out.json(encoding: doc)
  }

  func topContainer(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let args = (r.query["ps_args"] ?? "").split(separator: " ").map(String.init)
    let table = try engine.containers.top(ref, psArgs: args)
    out.json([
      "Titles": .array(table.titles.map { .string($0) }),
      "Processes": .array(table.processes.map { .array($0.map { .string($0) }) }),
    ])
  }

  func containerChanges(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let changes = try engine.containers.diff(ref)
    out.json(.array(changes.map { ["Path": .string($0.path), "Kind": .int(Int64($0.kind.rawValue))] }))
  }

  /// `POST /containers/{id}/wait?condition=not-running|next-exit|removed`: the head goes out at
  /// once (the Docker CLI starts the container only after it), the status when the condition holds.
  func waitContainer(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let condition = r.query["condition"].flatMap { $0.isEmpty ? nil : $0 } ?? "not-running"
    guard ["not-running", "next-exit", "removed"].contains(condition) else {
      throw BerthError.invalid("invalid condition: \"\(condition)\"")
    }
    let initial = try engine.containers.get(ref)
    out.startStream(contentType: "application/json")
    let code = waitFor(initial, condition: condition, while: { out.channel.isActive })
    Trace.mark("wait condition \(condition) met")
    out.writeJSON(["StatusCode": .int(Int64(code ?? initial.exitCode))])
    _ = try? out.endStream().wait()
  }

  /// Blocks until condition holds for the container (or `active` turns false); returns the exit
  /// code.
  func waitFor(_ initial: ContainerRecord, condition: String, while active: () -> Bool) -> Int32? {
    // A container its restart policy brings back is not running while it waits to restart, as
    // Docker sees it; one restarted already (a new start time) has exited in between.
    let live: Set<ContainerState> = [.running, .paused]
    let exitsBefore = exits.current(initial.id).count
    var sawRunning = live.contains(initial.state)
    var seenStart: String? = sawRunning ? initial.startedAt : nil
    var lastCode: Int32? = nil
    let began = ContinuousClock.now
    var exitSeen: ContinuousClock.Instant? = nil
    while active() {
      let generation = exits.generation
      let recorded = exits.current(initial.id)
      if recorded.count > exitsBefore {
        lastCode = recorded.code
        sawRunning = true
      }
      guard let c = try? engine.containers.get(initial.id) else { return lastCode }
      if live.contains(c.state) {
        if let seen = seenStart, seen != c.startedAt, condition != "removed" { return c.exitCode }
        seenStart = c.startedAt
        sawRunning = true
      } else {
        let exited = c.state == .exited || c.state == .dead || c.state == .restarting
        let code = recorded.count > exitsBefore ? recorded.code ?? c.exitCode : c.exitCode
        switch condition {
        case "not-running": return code
        case "next-exit" where exited && (sawRunning || c.startedAt != initial.startedAt): return code
        default: lastCode = code
        }
      }
      // The exit of a container the daemon started wakes this at once (`exits`); what else can
      // change (a container the CLI started, a removal by the exit hook) is read from the record:
      // every 50 ms for 2 s, then every 0.5 s, so a long wait costs next to nothing (each read
      // is a query). Once it has exited, the exit hook removes a --rm container within
      // milliseconds: the record is read every 5 ms for a second then (the Docker CLI waits for
      // `removed` after every run).
      let removing = condition == "removed" && lastCode != nil && c.config.host.autoRemove
      if removing && exitSeen == nil { exitSeen = .now }
      let now = ContinuousClock.now
      var pace = now - began < .seconds(2) ? 0.05 : 0.5
      if removing, let exitSeen, now - exitSeen < .seconds(1) { pace = 0.005 }
      exits.waitForChange(after: generation, timeout: pace)
    }
    return lastCode
  }
}
