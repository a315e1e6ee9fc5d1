import BerthImage
import BerthOCI
import BerthSystem
import Foundation

/// Berth's engine: the library both the CLI and the daemon call. No daemon is needed.
///
/// ```swift
/// import BerthEngine
///
/// let engine = try Engine(dataRoot: "/var/lib/berth", execRoot: "/run/berth")
/// let imageID = try engine.images.importArchive(path: "rootfs.tar", reference: "busybox")
/// var options = CreateOptions(image: "busybox")
/// options.overrides.cmd = ["echo", "hello"]
/// let container = try engine.containers.create(options)
/// let exitCode = try engine.containers.run(container.id, stdio: .inherit(stdin: false))  // prints "hello"
/// try engine.containers.remove(container.id, force: false)
/// ```
public final class Engine: Sendable {
  /// Where things live.
  public let paths: Paths
  /// Images: import, list, tag, remove, save, load.
  public let images: ImageService
  /// Containers: create, start, wait, list, remove.
  public let containers: ContainerService
  /// Volumes: create, list, inspect, remove, prune.
  public let volumes: VolumeService
  /// Networks: create, list, inspect, remove, prune.
  public let networks: NetworkService

  /// Opens the engine on a data root and exec root, making them if needed, and repairs what a
  /// crashed berth left behind.
  public init(dataRoot: String = "/var/lib/berth", execRoot: String = "/run/berth") throws {
    Trace.mark("engine")
    paths = Paths(dataRoot: dataRoot, execRoot: execRoot)
    for dir in [paths.dataRoot, paths.containers, paths.tmp, paths.execRoot] {
      try FileSystem.makeDirectory(dir, mode: 0o711)
    }
    let store = try MetadataStore(path: paths.database)
    Trace.mark("database open")
    let content = try ContentStore(root: paths.content)
    let layers = try LayerStore(root: paths.layers)
    images = ImageService(paths: paths, store: store, content: content, layers: layers)
    containers = ContainerService(paths: paths, store: store, images: images)
    volumes = VolumeService(paths: paths, store: store)
    networks = NetworkService(paths: paths, store: store)
    try Recovery(paths: paths, store: store, content: content, layers: layers).run()
    Trace.mark("recovery done")
  }
}
