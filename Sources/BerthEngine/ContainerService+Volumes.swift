import BerthOCI
import BerthRuntime
import BerthSystem
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// A container's volumes and mounts: resolved once at create (Docker's `registerMountPoints`),
/// referenced in the metadata store so that a volume in use cannot be removed, and turned into
/// runtime-spec mounts at every start.
extension ContainerService {
  /// The volume service on this container service's store.
  var volumeService: VolumeService { VolumeService(paths: paths, store: store) }

  /// The mounts a new container gets, in Docker's precedence: `--volumes-from`, then `-v`, then
  /// `--mount` (a destination given twice by these is an error), and an anonymous volume for
  /// each of the image's VOLUMEs that nothing else covers. Sorted parents first.
  func resolveMounts(_ host: HostSettings, imageVolumes: [String]) throws -> [MountPoint] {
    var points: [String: MountPoint] = [:]
    for raw in host.volumesFrom ?? [] {
      let (ref, mode) = try MountParser.parseVolumesFrom(raw)
      let source = try get(ref)
      let writable = !mode.split(separator: ",").contains("ro")
      for var point in source.config.mountPoints ?? [] {
        point.readWrite = point.readWrite && writable
        point.copyData = false
        point.createSource = false
        points[point.destination] = point
      }
    }
    var given: Set<String> = []
    func add(_ point: MountPoint) throws {
      guard given.insert(point.destination).inserted else {
        throw BerthError.invalid("Duplicate mount point: \(point.destination)")
      }
      points[point.destination] = point
    }
    for raw in host.binds ?? [] { try add(MountParser.parseVolume(raw)) }
    for spec in host.mounts ?? [] {
      let point = try MountParser.mountPoint(for: spec)
      if point.type == .bind && !FileSystem.exists(point.source) {
        throw BerthError.invalid(
          "invalid mount config for type \"bind\": bind source path does not exist: \(point.source)")
      }
      try add(point)
    }
    var tmpfs: Set<String> = []
    for (path, options) in host.tmpfs ?? [:] {
      let point = try MountParser.parseTmpfs(options.isEmpty ? path : path + ":" + options)
      if given.contains(point.destination) || !tmpfs.insert(point.destination).inserted {
        throw BerthError.invalid("Duplicate mount point: \(point.destination)")
      }
    }
    for path in imageVolumes {
      let destination = MountParser.clean(path)
      guard points[destination] == nil, !tmpfs.contains(destination), destination != "/" else { continue }
      var point = MountPoint(type: .volume, destination: destination)
      point.anonymous = true
      point.copyData = true
      points[destination] = point
    }
    for (destination, point) in points where point.type == .volume {
      if point.name.isEmpty {
        points[destination]?.name = VolumeService.randomName()
      } else {
        try VolumeService.validate(point.name)
      }
    }
    return points.values.sorted(by: Self.mountOrder)
  }

  /// Parents before children (Docker sorts by the number of path components), then by path.
  static func mountOrder(_ a: MountPoint, _ b: MountPoint) -> Bool {
    let da = a.destination.split(separator: "/").count
    let db = b.destination.split(separator: "/").count
    return da != db ? da < db : a.destination < b.destination
  }

  /// Inside the transaction that records a new container: creates the volumes it names (named
  /// ones on first use, anonymous ones always) and records that it mounts them.
  func attachVolumes(_ db: Database, containerID: String, points: [MountPoint]) throws {
    for point in points where point.type == .volume {
      try volumeService.insert(db, name: point.name, labels: point.labels ?? [:], anonymous: point.anonymous)
      try db.execute(
        sql: "INSERT OR REPLACE INTO container_volumes (container_id, volume, destination) VALUES (?, ?, ?)",
        arguments: [containerID, point.name, point.destination])
    }
  }

  /// After a container's row is gone (`rm -v`, `--rm`): removes its anonymous volumes that no
  /// other container mounts (Docker ignores "in use" here: another container still needs it).
  func removeAnonymousVolumes(of c: ContainerRecord) {
    for point in c.config.mountPoints ?? [] where point.type == .volume && point.anonymous {
      try? volumeService.remove(point.name, force: true)
    }
  }

  /// The runtime-spec mounts of a container's volumes, binds and tmpfs mounts, parents first.
  func volumeMounts(for c: ContainerRecord) -> [RuntimeSpec.Mount] {
    var points = c.config.mountPoints ?? []
    for (path, options) in c.config.host.tmpfs ?? [:] {
      if let point = try? MountParser.parseTmpfs(options.isEmpty ? path : path + ":" + options) {
        points.append(point)
      }
    }
    return points.sorted(by: Self.mountOrder).map { p in
      switch p.type {
      case .bind, .volume:
        let source = p.type == .bind ? p.source : volumeService.dataPath(p.name)
        var options = ["rbind", p.readWrite ? "rw" : "ro"]
        if !p.propagation.isEmpty { options.append(p.propagation) }
        return RuntimeSpec.Mount(destination: p.destination, type: "bind", source: source, options: options)
      case .tmpfs:
        return RuntimeSpec.Mount(
          destination: p.destination, type: "tmpfs", source: "tmpfs",
          options: Self.tmpfsOptions(p.tmpfsOptions, readOnly: !p.readWrite))
      }
    }
  }

  /// Docker's tmpfs options: `noexec,nosuid,nodev` unless the user's options say otherwise.
  static func tmpfsOptions(_ given: String, readOnly: Bool) -> [String] {
    let user = given.split(separator: ",").map(String.init)
    var options: [String] = []
    for (flag, opposite) in [("noexec", "exec"), ("nosuid", "suid"), ("nodev", "dev")]
    where !user.contains(flag) && !user.contains(opposite) {
      options.append(flag)
    }
    options += user
    if readOnly && !options.contains("ro") { options.append("ro") }
    return options
  }

  /// Before a start: makes a missing `-v` host directory (as Docker does), a volume directory lost
  /// to a crash, and copies the image's content into each new, still empty volume.
  func prepareVolumes(for c: ContainerRecord, lowerDirs: [String]) throws {
    var copies: [MountPoint] = []
    for point in c.config.mountPoints ?? [] {
      switch point.type {
      case .bind where point.createSource && !FileSystem.exists(point.source):
        try FileSystem.makeDirectory(point.source)
      case .volume:
        let data = volumeService.dataPath(point.name)
        if !FileSystem.exists(data) { try FileSystem.makeDirectory(data) }
        if point.copyData && FileSystem.list(data).isEmpty { copies.append(point) }
      default:
        break
      }
    }
    guard !copies.isEmpty else { return }
    try VolumeCopyUp(tmp: paths.tmp).copy(
      copies.map { ($0.destination, volumeService.dataPath($0.name)) },
      layers: [paths.container(c.id) + "/upper"] + lowerDirs)
  }
}
