import BerthImage
import BerthOCI
import BerthRuntime
import BerthSystem
import CBerth
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What `commit` makes of a container.
public struct CommitOptions: Sendable {
  /// `REPOSITORY[:TAG]` for the new image (nil: untagged).
  public var reference: String?
  /// `-a`.
  public var author: String?
  /// `-m`.
  public var message: String?
  /// `-c`: Dockerfile instructions applied to the config (as `import --change`).
  public var changes: [String] = []
  /// `--pause`: freeze a running container while its layer is read (default true, as Docker).
  public var pause = true

  /// Options with Docker's defaults.
  public init() {}
}

extension ContainerService {
  /// `docker commit`: a new image of the container's image plus one layer of its changes (its
  /// writable layer, without what the runtime made there) and its config (command, environment,
  /// working directory, …) with `changes` applied. Returns the new image's id.
  public func commit(_ ref: String, _ options: CommitOptions) throws -> Digest {
    let c = try get(ref)
    let tags = try options.reference.map { [try parseReference($0)] } ?? []
    let parent = try images.decodeConfig(c.imageID)
    var config = c.config.config
    config.stopTimeout = nil
    for change in options.changes { try ImportChanges.apply(change, to: &config) }

    let upper = paths.container(c.id) + "/upper"
    let lowers = images.layerDirectories(of: parent)
    let excluded = Self.commitExclusions(upper: upper, lowers: lowers)
    let running = c.state == .running && Processes.isAlive(pid: c.pid, startTime: c.pidStart)
    let cgroup = Cgroup(containerID: c.id)
    let freeze = options.pause && running
    if freeze { try cgroup.setFrozen(true) }
    let diffID: Digest
    do {
      let blob = try BlobWriter(store: images.content)
      try LayerArchive.create(fromUpperDir: upper, into: blob, mtime: 0, excluding: excluded, keepTimes: true)
      diffID = try blob.commit().digest
    } catch {
      if freeze { try? cgroup.setFrozen(false) }
      throw error
    }
    if freeze { try cgroup.setFrozen(false) }

    let parentChain = LayerStore.chainIDs(diffIDs: parent.rootfs.diffIDs).last
    try images.layers.unpack(
      archive: images.content.path(of: diffID), as: LayerStore.chainID(parent: parentChain, diffID: diffID))
    let now = Timestamp.now()
    let history = ImageConfig.History(
      created: now, createdBy: (c.config.config.cmd ?? []).joined(separator: " "), author: options.author,
      comment: options.message)
    var image = ImageConfig(
      created: now, author: options.author, architecture: parent.architecture, variant: parent.variant,
      os: parent.os, config: config, rootfs: .init(diffIDs: parent.rootfs.diffIDs + [diffID]),
      history: (parent.history ?? []) + [history])
    // As Docker's commit: the container and its config in the image config, the container's
    // image as the new image's parent.
    image.container = c.id
    image.containerConfig = c.config.config
    let layers = image.rootfs.diffIDs.map { ($0, images.content.size(of: $0)) }
    let id = try images.store(config: image, layers: layers, tags: tags).id
    try store.write { db in
      try db.execute(
        sql: "UPDATE images SET parent = ? WHERE id = ?", arguments: [c.imageID.description, id.description])
    }
    return id
  }

  /// Relative paths of an upper directory `commit` leaves out: the runtime's artifacts (see
  /// `ChangeWalker.runtimeArtifacts`), and /etc when it holds nothing else and is the image's.
  static func commitExclusions(upper: String, lowers: [String]) -> Set<String> {
    let artifacts = ChangeWalker.runtimeArtifacts(upper: upper, lowers: lowers)
    var result = Set(artifacts.map { String($0.dropFirst()) })
    let etc = upper + "/etc"
    var st = stat()
    guard lstat(etc, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR,
      FileSystem.list(etc).allSatisfy({ artifacts.contains("/etc/" + $0) }),
      getxattr(etc, "trusted.overlay.opaque", nil, 0) < 0
    else { return result }
    for dir in lowers {
      var below = stat()
      if lstat(dir + "/etc", &below) == 0 {
        if below.st_mode == st.st_mode && below.st_uid == st.st_uid && below.st_gid == st.st_gid {
          result.insert("etc")
        }
        return result
      }
    }
    result.insert("etc")
    return result
  }
}
