/// Docker's mount syntaxes (pure): `-v SOURCE:TARGET:MODE`, `--mount key=value,…`, `--tmpfs
/// PATH:OPTIONS` and `--volumes-from CONTAINER:MODE`, with Docker's error messages (moby's
/// `volume/mounts/linux_parser.go`, the CLI's `opts/mount.go`).
public enum MountParser {
  static let rwModes: Set<String> = ["rw", "ro"]
  static let labelModes: Set<String> = ["z", "Z"]
  /// Mount propagation modes.
  public static let propagationModes: Set<String> = ["private", "rprivate", "slave", "rslave", "shared", "rshared"]
  static let consistencyModes: Set<String> = ["consistent", "cached", "delegated"]

  /// Parses `-v`/`--volume`: `/ctr` (anonymous volume), `NAME:/ctr[:MODE]` (named volume) or
  /// `/host:/ctr[:MODE]` (bind; the host directory is made when missing).
  public static func parseVolume(_ raw: String) throws -> MountPoint {
    let invalidSpec = BerthError.invalid("invalid volume specification: '\(raw)'")
    let parts = raw.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
    guard let first = parts.first, !first.isEmpty, parts.count <= 3 else { throw invalidSpec }
    var spec = MountSpec()
    var mode = ""
    switch parts.count {
    case 1:
      spec.target = first
    case 2:
      // `/foo:rw` is a destination with a mode, which needs a source.
      if validMode(parts[1]) { throw invalidSpec }
      spec.source = first
      spec.target = parts[1]
    default:
      spec.source = first
      spec.target = parts[1]
      mode = parts[2]
    }
    guard validMode(mode) else { throw BerthError.invalid("invalid mode: \(mode)") }
    let options = mode.split(separator: ",").map(String.init)
    spec.type = spec.source.hasPrefix("/") ? .bind : .volume
    spec.readOnly = options.contains("ro")
    spec.noCopy = options.contains("nocopy")
    spec.propagation = options.first(where: propagationModes.contains)
    do {
      var point = try mountPoint(for: spec)
      // Docker marks `-v` volumes for relabelling ("z") when no mode is given.
      point.mode = mode.isEmpty && spec.type == .volume ? "z" : mode
      point.createSource = spec.type == .bind
      return point
    } catch let error as BerthError {
      throw BerthError.invalid("invalid volume specification: '\(raw)': \(error.message)")
    }
  }

  /// Validates a mount and turns it into the mount point a container records. Whether a bind's
  /// source exists is checked by the engine.
  public static func mountPoint(for spec: MountSpec) throws -> MountPoint {
    func configError(_ message: String) -> BerthError {
      BerthError.invalid("invalid mount config for type \"\(spec.type.rawValue)\": \(message)")
    }
    guard !spec.target.isEmpty else { throw configError("field Target must not be empty") }
    let target = spec.target.replacingAll("\\", with: "/")
    guard target.hasPrefix("/") else {
      throw configError("invalid mount path: '\(target)' mount path must be absolute")
    }
    let destination = clean(target)
    guard destination != "/" else { throw configError("invalid specification: destination can't be '/'") }
    var point = MountPoint(type: spec.type, destination: destination)
    point.readWrite = !spec.readOnly
    switch spec.type {
    case .bind:
      guard !spec.source.isEmpty else { throw configError("field Source must not be empty") }
      guard spec.source.hasPrefix("/") else {
        throw configError("invalid mount path: '\(spec.source)' mount path must be absolute")
      }
      if let p = spec.propagation, !propagationModes.contains(p) {
        throw configError("invalid propagation mode: \(p)")
      }
      point.source = clean(spec.source)
      point.propagation = spec.propagation ?? "rprivate"
    case .volume:
      if spec.propagation != nil { throw configError("field BindOptions must not be specified") }
      point.name = spec.source
      point.anonymous = spec.source.isEmpty
      if spec.readOnly && point.anonymous {
        throw configError("must not set ReadOnly mode when using anonymous volumes")
      }
      point.copyData = !spec.noCopy
      point.labels = spec.labels
    case .tmpfs:
      if spec.propagation != nil { throw configError("field BindOptions must not be specified") }
      if !spec.source.isEmpty { throw configError("field Source must not be specified") }
      var options: [String] = []
      if spec.readOnly { options.append("ro") }
      if spec.tmpfsMode != 0 { options.append("mode=" + String(spec.tmpfsMode, radix: 8)) }
      if spec.tmpfsSize != 0 { options.append("size=" + sizeText(spec.tmpfsSize)) }
      point.tmpfsOptions = options.joined(separator: ",")
    }
    return point
  }

  /// Parses `--tmpfs PATH[:OPTIONS]`.
  public static func parseTmpfs(_ raw: String) throws -> MountPoint {
    let parts = raw.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let path = parts[0]
    guard path.hasPrefix("/") else {
      throw BerthError.invalid("invalid mount path: '\(path)' mount path must be absolute")
    }
    let destination = clean(path)
    guard destination != "/" else { throw BerthError.invalid("invalid specification: destination can't be '/'") }
    var point = MountPoint(type: .tmpfs, destination: destination)
    point.tmpfsOptions = parts.count > 1 ? parts[1] : ""
    point.readWrite = !point.tmpfsOptions.split(separator: ",").contains("ro")
    return point
  }

  /// Parses `--volumes-from CONTAINER[:ro|:rw]`: the container and the mode (`rw` by default).
  public static func parseVolumesFrom(_ raw: String) throws -> (container: String, mode: String) {
    guard !raw.isEmpty else { throw BerthError.invalid("volumes-from specification cannot be an empty string") }
    let parts = raw.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 2, !parts[1].isEmpty else { return (parts[0], "rw") }
    let mode = parts[1]
    let options = mode.split(separator: ",").map(String.init)
    guard validMode(mode), !options.contains(where: { propagationModes.contains($0) || $0 == "nocopy" }) else {
      throw BerthError.invalid("invalid mode: \(mode)")
    }
    return (parts[0], mode)
  }

  /// Whether a `-v` mode string is valid: comma-separated, at most one of each kind.
  public static func validMode(_ mode: String) -> Bool {
    if mode.isEmpty { return true }
    var counts = [0, 0, 0, 0, 0]
    for o in mode.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
      if rwModes.contains(o) {
        counts[0] += 1
      } else if labelModes.contains(o) {
        counts[1] += 1
      } else if propagationModes.contains(o) {
        counts[2] += 1
      } else if o == "nocopy" {
        counts[3] += 1
      } else if consistencyModes.contains(o) {
        counts[4] += 1
      } else {
        return false
      }
    }
    return counts.allSatisfy { $0 <= 1 }
  }

  /// Go's `path.Clean` for absolute paths: `/a//b/./c/../d/` → `/a/b/d`.
  public static func clean(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
      if part == "." { continue }
      if part == ".." {
        if !parts.isEmpty { parts.removeLast() }
        continue
      }
      parts.append(part)
    }
    return "/" + parts.joined(separator: "/")
  }

  /// A byte count with the largest binary suffix that divides it (`64m`), as moby writes tmpfs sizes.
  static func sizeText(_ bytes: Int64) -> String {
    for (suffix, divisor) in [("g", Int64(1) << 30), ("m", Int64(1) << 20), ("k", Int64(1) << 10)]
    where bytes % divisor == 0 {
      return "\(bytes / divisor)\(suffix)"
    }
    return "\(bytes)"
  }
}

extension String {
  /// The string with every occurrence of target replaced (no Foundation in pure modules).
  func replacingAll(_ target: Character, with replacement: Character) -> String {
    String(map { $0 == target ? replacement : $0 })
  }
}
