import BerthBuild
import BerthImage
import BerthOCI
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension BuildService {
  /// Where a COPY/ADD reads from: the build context, or another stage's or an image's files.
  enum CopyOrigin {
    case context(String, (any ContextFilter)?)
    case image(StageState)
  }

  func copySource(
    _ copy: CopyStep, request: BuildRequest, plan: BuildPlan, stageIndex: Int, results: [Int: StageState]
  ) throws -> CopyOrigin {
    guard let from = copy.from else { return .context(request.contextDirectory, request.contextFilter) }
    if let index = plan.stageIndex(from, before: stageIndex) {
      guard let state = results[index] else { throw BerthError.internal("stage \(from) was not built") }
      return .image(state)
    }
    let image = try images.resolve(from)
    return .image(StageState(image: image.id, config: try images.config(of: image)))
  }

  /// COPY/ADD: sources resolved and hashed (content, mode, owner; never mtimes), then copied
  /// through an overlay of the current image into a new layer.
  func copy(
    _ copy: CopyStep, from origin: CopyOrigin, state: inout StageState, request: BuildRequest,
    events: (BuildEvent) -> Void
  ) throws {
    if copy.sources.contains(where: Self.isURL) {
      throw BerthError.invalid("\(copy.name) failed: fetching URLs is not supported yet")
    }
    var destination = copy.destination
    if !destination.hasPrefix("/") {
      let wantsDirectory = destination.hasSuffix("/") || destination == "." || destination.hasSuffix("/.")
      destination = (state.container.workingDir ?? "/") + "/" + destination
      destination = "/" + (ScopedPath.clean(destination) ?? []).joined(separator: "/")
      if wantsDirectory && destination != "/" { destination += "/" }
    }
    let extra = ["chown=\(copy.chown ?? "")", "chmod=\(copy.chmod ?? "")", "add=\(copy.isAdd)"]
    let mode = try copy.chmod.map(ChownSpec.mode)
    var next = state
    switch origin {
    case .context(let root, let filter):
      let sources = try failing(copy) {
        try CopySources.resolve(copy.sources, in: root, filter: filter, inContext: true)
      }
      let createdBy = HistoryText.nopString(
        "\(copy.name) \(CopySources.combinedHash(sources)) in \(destination) ", shell: state.shell)
      try commit(&next, parent: state, createdBy: createdBy, extraKey: extra, request: request, events: events) {
        try write(copy, sources: sources, filter: filter, to: destination, mode: mode, state: state)
      }
    case .image(let source):
      _ = try withOverlay(on: source, commit: false) { root in
        let sources = try failing(copy) {
          try CopySources.resolve(copy.sources, in: root, filter: nil, inContext: false)
        }
        let createdBy = HistoryText.nopString(
          "\(copy.name) \(CopySources.combinedHash(sources)) in \(destination) ", shell: state.shell)
        try commit(&next, parent: state, createdBy: createdBy, extraKey: extra, request: request, events: events) {
          try write(copy, sources: sources, filter: nil, to: destination, mode: mode, state: state)
        }
      }
    }
    state = next
  }

  private func write(
    _ copy: CopyStep, sources: [CopySource], filter: (any ContextFilter)?, to destination: String, mode: UInt32?,
    state: StageState
  ) throws -> Digest? {
    var owner: (uid: UInt32, gid: UInt32) = (0, 0)
    if let chown = copy.chown {
      owner = try failing(copy) {
        try ChownSpec.resolve(
          chown, passwd: images.readFile("/etc/passwd", in: state.config),
          group: images.readFile("/etc/group", in: state.config))
      }
    }
    return try withOverlay(on: state) { merged in
      let copier = FileCopier(root: merged, uid: owner.uid, gid: owner.gid, chmod: mode, filter: filter)
      var plain: [CopySource] = []
      for source in sources {
        if copy.isAdd && !source.isDirectory && LayerArchive.isTarArchive(source.path) {
          let target = try copier.makeDirectories(destination, modeOfNew: nil).path
          try LayerArchive.extract(archive: source.path, into: target, whiteouts: false)
        } else {
          plain.append(source)
        }
      }
      if !plain.isEmpty {
        try failing(copy) { try copier.copy(plain, to: destination, command: copy.name) }
      }
    }
  }

  /// Prefixes errors with `COPY failed: ` as Docker does.
  private func failing<T>(_ copy: CopyStep, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as BerthError {
      throw BerthError(error.kind, "\(copy.name) failed: \(error.message)")
    }
  }

  static func isURL(_ source: String) -> Bool {
    source.hasPrefix("http://") || source.hasPrefix("https://")
  }
}
