import BerthOCI
import NIOHTTP1

/// Finds the handler of a request by method and path segments.
enum Router {
  /// Handles one request; errors thrown become Docker's error document.
  static func handle(_ r: APIRequest, _ out: Responder, server s: APIServer) throws {
    let p = r.segments
    switch (r.method, p.count, p.first ?? "") {
    case (.GET, 1, "_ping"), (.HEAD, 1, "_ping"): s.ping(r, out)
    case (.GET, 1, "version"): s.version(r, out)
    case (.GET, 1, "info"): try s.info(r, out)
    case (.GET, 2, "system") where p[1] == "df": try s.diskUsage(r, out)
    case (_, _, "containers"): try containers(r, out, s, Array(p.dropFirst()))
    case (_, _, "exec"): try exec(r, out, s, Array(p.dropFirst()))
    case (_, _, "images"): try images(r, out, s, Array(p.dropFirst()))
    case (.POST, 1, "build"): try s.build(r, out)
    case (.POST, 1, "commit"): try s.commitContainer(r, out)
    case (_, _, "volumes"): try volumes(r, out, s, Array(p.dropFirst()))
    case (_, _, "networks"): try networks(r, out, s, Array(p.dropFirst()))
    case (.GET, 1, "events"): try s.streamEvents(r, out)
    case (_, _, "swarm"), (_, _, "services"), (_, _, "nodes"), (_, _, "tasks"), (_, _, "secrets"), (_, _, "configs"):
      // As a Docker daemon outside any swarm.
      throw BerthError(
        .unavailable,
        "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again."
      )
    default: throw notFound(r)
    }
  }

  static func containers(_ r: APIRequest, _ out: Responder, _ s: APIServer, _ p: [String]) throws {
    switch (r.method, p.count) {
    case (.GET, 1) where p[0] == "json": return try s.listContainers(r, out)
    case (.POST, 1) where p[0] == "create": return try s.createContainer(r, out)
    case (.POST, 1) where p[0] == "prune": return try s.pruneContainers(r, out)
    case (.DELETE, 1): return try s.removeContainer(r, out, p[0])
    case (.DELETE, 2) where r.flag("link"): return try s.removeLink(r, out, p[0], alias: p[1])
    default: break
    }
    guard p.count == 2 else { throw notFound(r) }
    let id = p[0]
    switch (r.method, p[1]) {
    case (.GET, "json"): try s.inspectContainer(r, out, id)
    case (.POST, "start"): try s.startContainer(r, out, id)
    case (.POST, "stop"): try s.stopContainer(r, out, id)
    case (.POST, "restart"): try s.restartContainer(r, out, id)
    case (.POST, "kill"): try s.killContainer(r, out, id)
    case (.POST, "pause"): try s.pauseContainer(r, out, id, pause: true)
    case (.POST, "unpause"): try s.pauseContainer(r, out, id, pause: false)
    case (.POST, "rename"): try s.renameContainer(r, out, id)
    case (.POST, "wait"): try s.waitContainer(r, out, id)
    case (.POST, "attach"): try s.attachContainer(r, out, id)
    case (.POST, "resize"): try s.resizeContainer(r, out, id)
    case (.GET, "logs"): try s.containerLogs(r, out, id)
    case (.GET, "top"): try s.topContainer(r, out, id)
    case (.GET, "changes"): try s.containerChanges(r, out, id)
    case (.HEAD, "archive"): s.statArchive(r, out, id)
    case (.GET, "archive"): try s.getArchive(r, out, id)
    case (.PUT, "archive"): try s.putArchive(r, out, id)
    case (.GET, "export"): try s.exportContainer(r, out, id)
    case (.GET, "stats"): try s.containerStats(r, out, id)
    case (.POST, "update"): try s.updateContainer(r, out, id)
    case (.POST, "exec"): try s.createExec(r, out, id)
    default: throw notFound(r)
    }
  }

  static func exec(_ r: APIRequest, _ out: Responder, _ s: APIServer, _ p: [String]) throws {
    guard p.count == 2 else { throw notFound(r) }
    switch (r.method, p[1]) {
    case (.POST, "start"): try s.startExec(r, out, p[0])
    case (.POST, "resize"): try s.resizeExec(r, out, p[0])
    case (.GET, "json"): try s.inspectExec(r, out, p[0])
    default: throw notFound(r)
    }
  }

  static func images(_ r: APIRequest, _ out: Responder, _ s: APIServer, _ p: [String]) throws {
    switch (r.method, p.count) {
    case (.GET, 1) where p[0] == "json": return try s.listImages(r, out)
    case (.POST, 1) where p[0] == "create": return try s.createImage(r, out)
    case (.POST, 1) where p[0] == "load": return try s.loadImages(r, out)
    case (.POST, 1) where p[0] == "prune": return try s.pruneImages(r, out)
    case (.GET, 1) where p[0] == "get": return try s.saveImages(r, out, names: r.queryAll("names"))
    default: break
    }
    // Image names contain slashes: the verb is the last segment.
    guard p.count >= 2 else {
      if r.method == .DELETE, p.count == 1 { return try s.removeImage(r, out, p[0]) }
      throw notFound(r)
    }
    let verb = p[p.count - 1]
    let name = p.dropLast().joined(separator: "/")
    switch (r.method, verb) {
    case (.GET, "json"): try s.inspectImage(r, out, name)
    case (.GET, "history"): try s.imageHistory(r, out, name)
    case (.POST, "tag"): try s.tagImage(r, out, name)
    case (.GET, "get"): try s.saveImages(r, out, names: [name])
    default:
      if r.method == .DELETE { return try s.removeImage(r, out, p.joined(separator: "/")) }
      throw notFound(r)
    }
  }

  static func volumes(_ r: APIRequest, _ out: Responder, _ s: APIServer, _ p: [String]) throws {
    switch (r.method, p.count) {
    case (.GET, 0): try s.listVolumes(r, out)
    case (.POST, 1) where p[0] == "create": try s.createVolume(r, out)
    case (.POST, 1) where p[0] == "prune": try s.pruneVolumes(r, out)
    case (.GET, _) where !p.isEmpty: try s.inspectVolume(r, out, p.joined(separator: "/"))
    case (.DELETE, _) where !p.isEmpty: try s.removeVolume(r, out, p.joined(separator: "/"))
    default: throw notFound(r)
    }
  }

  static func networks(_ r: APIRequest, _ out: Responder, _ s: APIServer, _ p: [String]) throws {
    switch (r.method, p.count) {
    case (.GET, 0): try s.listNetworks(r, out)
    case (.POST, 1) where p[0] == "create": try s.createNetwork(r, out)
    case (.POST, 1) where p[0] == "prune": try s.pruneNetworks(r, out)
    case (.GET, 1): try s.inspectNetwork(r, out, p[0])
    case (.DELETE, 1): try s.removeNetwork(r, out, p[0])
    case (.POST, 2) where p[1] == "connect": try s.connectNetwork(r, out, p[0], connect: true)
    case (.POST, 2) where p[1] == "disconnect": try s.connectNetwork(r, out, p[0], connect: false)
    default: throw notFound(r)
    }
  }

  @discardableResult
  static func notFound(_ r: APIRequest) -> BerthError {
    BerthError.notFound("page not found")
  }
}
