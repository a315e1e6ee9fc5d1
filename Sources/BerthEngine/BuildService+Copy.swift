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
    let image = try images.ensure(from, policy: request.pull, progress: request.pullProgress)
    return .image(StageState(image: image.id, config: try images.config(of: image)))
  }

  /// COPY/ADD: sources resolved and hashed (content, mode, owner; never mtimes), then copied
  /// through an overlay of the current image into a new layer. ADD's URLs are downloaded and
  /// heredoc sources written to a staging directory first; they copy like context files.
  func copy(
    _ copy: CopyStep, from origin: CopyOrigin, state: inout StageState, request: BuildRequest,
    events: (BuildEvent) -> Void
  ) throws {
    if copy.checksum != nil && !copy.sources.allSatisfy(Self.isURL) {
      throw BerthError.invalid("checksum can't be specified for non-HTTP(S) sources")
    }
    var destination = copy.destination
    if !destination.hasPrefix("/") {
      let wantsDirectory = destination.hasSuffix("/") || destination == "." || destination.hasSuffix("/.")
      destination = (state.container.workingDir ?? "/") + "/" + destination
      destination = "/" + (ScopedPath.clean(destination) ?? []).joined(separator: "/")
      if wantsDirectory && destination != "/" { destination += "/" }
    }
    let staging = "\(paths.tmp)/build-src-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    defer { try? FileSystem.removeTree(staging) }
    let staged = try failing(copy) { try stage(copy, in: staging, destination: destination) }
    let named = copy.sources.filter { !Self.isURL($0) }
    let extra = ["chown=\(copy.chown ?? "")", "chmod=\(copy.chmod ?? "")", "add=\(copy.isAdd)"]
    let mode = try copy.chmod.map(ChownSpec.mode)
    var next = state
    func commitSources(_ sources: [CopySource], filter: (any ContextFilter)?) throws {
      let all = sources + staged
      let createdBy = HistoryText.nopString(
        "\(copy.name) \(CopySources.combinedHash(all)) in \(destination) ", shell: state.shell)
      try commit(&next, parent: state, createdBy: createdBy, extraKey: extra, request: request, events: events) {
        try write(copy, sources: all, filter: filter, to: destination, mode: mode, state: state)
      }
    }
    switch origin {
    case .context(let root, let filter):
      let sources = try failing(copy) {
        try CopySources.resolve(named, in: root, filter: filter, inContext: true)
      }
      try commitSources(sources, filter: filter)
    case .image(let source):
      _ = try withOverlay(on: source, commit: false) { root in
        let sources = try failing(copy) {
          try CopySources.resolve(named, in: root, filter: nil, inContext: false)
        }
        try commitSources(sources, filter: nil)
      }
    }
    state = next
  }

  /// Downloads ADD's URLs and writes heredoc sources (mode 0664, as BuildKit makes them) into
  /// their own directories under staging; returns them as sources.
  private func stage(_ copy: CopyStep, in staging: String, destination: String) throws -> [CopySource] {
    var result: [CopySource] = []
    for (index, url) in copy.sources.enumerated() where Self.isURL(url) {
      let dir = staging + "/url-\(index)"
      try FileSystem.makeDirectory(dir)
      let name = try URLFetcher.fetch(url, into: dir, checksum: copy.checksum)
      if name.isEmpty && destination.hasSuffix("/") {
        throw BerthError.invalid("cannot determine filename for source \(url)")
      }
      result += try CopySources.resolve(
        [name.isEmpty ? "__unnamed__" : name], in: dir, filter: nil, inContext: false)
    }
    for (index, file) in copy.inline.enumerated() {
      let dir = staging + "/inline-\(index)"
      try FileSystem.makeDirectory(dir)
      let path = dir + "/" + file.key
      try FileSystem.write(path, Array(file.value.utf8))
      try syscall("chmod", path) { chmod(path, 0o664) }
      result += try CopySources.resolve([file.key], in: dir, filter: nil, inContext: false)
    }
    return result
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
        let isStaged = source.path.hasPrefix(paths.tmp + "/build-src-")
        if copy.isAdd && !isStaged && !source.isDirectory && LayerArchive.isTarArchive(source.path) {
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
