import BerthEngine
import BerthOCI

/// The mount options of `run` and `create`: `-v`, `--mount`, `--tmpfs`, `--volumes-from`.
struct VolumeOptions {
  var volume: [String] = []
  var mount: [String] = []
  var tmpfs: [String] = []
  var volumesFrom: [String] = []

  /// Puts the mounts into create options as the docker CLI sends them: `-v TARGET` alone is an
  /// anonymous volume in `Config.Volumes`, other `-v` are `HostConfig.Binds`, `--mount` is parsed
  /// here and `--tmpfs` becomes a path → options map.
  func apply(to options: inout CreateOptions) throws {
    var binds: [String] = []
    for v in volume {
      if v.contains(":") { binds.append(v) } else { options.volumes.append(v) }
    }
    if !binds.isEmpty { options.host.binds = binds }
    if !mount.isEmpty { options.host.mounts = try mount.map(MountParser.parseMountFlag) }
    if !tmpfs.isEmpty {
      var map: [String: String] = [:]
      for t in tmpfs {
        let parts = t.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        map[parts[0]] = parts.count > 1 ? parts[1] : ""
      }
      options.host.tmpfs = map
    }
    if !volumesFrom.isEmpty { options.host.volumesFrom = volumesFrom }
  }
}
