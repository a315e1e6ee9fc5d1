import BerthBuild
import BerthImage
import BerthOCI
import BerthSystem
import Foundation

extension BuildService {
  /// A step that only changes the config (ENV, CMD, LABEL, …): a new image with an
  /// `empty_layer` history entry, or the cached one.
  func metadata(_ step: BuildStep, state: inout StageState, request: BuildRequest, events: (BuildEvent) -> Void)
    throws
  {
    var next = state
    try Self.apply(step, to: &next)
    let comment = HistoryText.comment(for: step, config: next.container) ?? ""
    let createdBy = HistoryText.nop(comment, shell: state.shell)
    try commit(&next, parent: state, createdBy: createdBy, request: request, events: events) { nil }
    state = next
  }

  /// WORKDIR: sets the working directory and makes it (root-owned, 0755) when missing; a layer
  /// only when it was missing.
  func workdir(_ path: String, state: inout StageState, request: BuildRequest, events: (BuildEvent) -> Void) throws {
    var next = state
    let absolute = path.hasPrefix("/") ? path : (state.container.workingDir ?? "/") + "/" + path
    let clean = "/" + (ScopedPath.clean(absolute) ?? []).joined(separator: "/")
    next.container.workingDir = clean
    let createdBy = HistoryText.nopString("WORKDIR " + clean, shell: state.shell)
    try commit(&next, parent: state, createdBy: createdBy, request: request, events: events) {
      try self.withOverlay(on: state) { merged in
        try FileCopier(root: merged).makeDirectories(clean, modeOfNew: 0o755)
      }
    }
    state = next
  }

  /// Applies a metadata step to the config as Docker's dispatchers do.
  static func apply(_ step: BuildStep, to state: inout StageState) throws {
    var c = state.container
    switch step {
    case .env(let pairs):
      var env = c.env ?? []
      for pair in pairs {
        let entry = "\(pair.key)=\(pair.value)"
        if let i = env.firstIndex(where: { $0 == pair.key || $0.hasPrefix(pair.key + "=") }) {
          env[i] = entry
        } else {
          env.append(entry)
        }
      }
      c.env = env
    case .cmd(let command):
      c.cmd = command.argv(shell: state.shell)
      state.cmdSet = true
    case .entrypoint(let command):
      c.entrypoint = command.argv(shell: state.shell)
      if !state.cmdSet { c.cmd = nil }
    case .expose(let ports):
      var exposed = c.exposedPorts ?? [:]
      for port in ports { for key in try exposedPortKeys(port) { exposed[key] = EmptyObject() } }
      c.exposedPorts = exposed
    case .label(let pairs):
      var labels = c.labels ?? [:]
      for pair in pairs { labels[pair.key] = pair.value }
      c.labels = labels
    case .user(let user): c.user = user
    case .volume(let paths):
      var volumes = c.volumes ?? [:]
      for path in paths {
        guard !path.isEmpty else { throw BerthError.invalid("VOLUME specified can not be an empty string") }
        volumes[path] = EmptyObject()
      }
      c.volumes = volumes
    case .stopSignal(let signal): c.stopSignal = signal
    case .healthcheck(let check): c.healthcheck = check
    case .shell(let shell):
      guard !shell.isEmpty else { throw BerthError.invalid("SHELL requires at least one argument") }
      c.shell = shell
    case .onBuild(let trigger): c.onBuild = (c.onBuild ?? []) + [trigger]
    case .maintainer(let name): state.config.author = name
    case .arg, .run, .copy, .workdir: break
    }
    state.container = c
  }

  /// `80` → `80/tcp`, `53/udp`, `8000-8002` → each port.
  static func exposedPortKeys(_ spec: String) throws -> [String] {
    let parts = spec.split(separator: "/", maxSplits: 1).map(String.init)
    let proto = parts.count > 1 ? parts[1].lowercased() : "tcp"
    let range = (parts.first ?? "").split(separator: "-", maxSplits: 1).map(String.init)
    guard let low = Int(range.first ?? ""), let high = Int(range.last ?? ""), low <= high, low > 0, high <= 65535,
      ["tcp", "udp", "sctp"].contains(proto)
    else { throw BerthError.invalid("Invalid containerPort: \(spec)") }
    return (low...high).map { "\($0)/\(proto)" }
  }

  /// Finishes a step: reuses the cached image for (parent, createdBy, config), or calls `makeLayer`
  /// (nil: no layer) and writes the new image.
  func commit(
    _ next: inout StageState, parent: StageState, createdBy: String, extraKey: [String] = [],
    request: BuildRequest, events: (BuildEvent) -> Void, makeLayer: () throws -> Digest?
  ) throws {
    next.container.image = parent.image?.description ?? ""
    let key = BuildCacheKey.key(parent: parent.image, createdBy: createdBy, config: next.container, extra: extraKey)
    if !request.noCache, let (id, config) = cache.lookup(key, images: images),
      request.cacheFrom.isEmpty || cacheSources(request).contains(where: { Self.isAncestor(config, of: $0) })
    {
      events(.usingCache)
      next.image = id
      next.config = config
      return
    }
    let layer = try makeLayer()
    try writeImage(&next, createdBy: createdBy, layer: layer, request: request)
    if let id = next.image { cache.record(key, image: id) }
  }

  /// The configs of the `--cache-from` images that exist here.
  func cacheSources(_ request: BuildRequest) -> [ImageConfig] {
    request.cacheFrom.compactMap { name in (try? images.resolve(name)).flatMap { try? images.config(of: $0) } }
  }

  /// Whether step's image is one of the steps that made image: its layers and history begin image's.
  static func isAncestor(_ step: ImageConfig, of image: ImageConfig) -> Bool {
    let history = (step.history ?? []).map(\.createdBy)
    let full = (image.history ?? []).map(\.createdBy)
    return image.rootfs.diffIDs.starts(with: step.rootfs.diffIDs) && full.starts(with: history)
  }

  /// Appends the layer (if any) and a history entry to next's config and stores the image blobs.
  func writeImage(_ next: inout StageState, createdBy: String, layer: Digest?, request: BuildRequest) throws {
    let created =
      request.sourceDateEpoch.map { Timestamp.format(Date(timeIntervalSince1970: Double($0))) }
      ?? Timestamp.now()
    next.config.created = created
    if let layer { next.config.rootfs.diffIDs.append(layer) }
    next.config.history =
      (next.config.history ?? []) + [
        .init(created: created, createdBy: createdBy, author: next.config.author, emptyLayer: layer == nil ? true : nil)
      ]
    next.image = try images.writeImageBlobs(next.config)
  }

  /// A stage with no step on scratch: an image with no layers.
  func emptyImage(_ state: StageState, request: BuildRequest) throws -> StageState {
    var next = state
    next.config.created = request.sourceDateEpoch.map { Timestamp.format(Date(timeIntervalSince1970: Double($0))) }
    next.image = try images.writeImageBlobs(next.config)
    return next
  }
}
