/// What kind of filesystem a container mount is, as Docker's `Mounts[].Type`.
public enum MountType: String, Codable, Sendable, Equatable {
  /// A host file or directory bind-mounted in.
  case bind
  /// A named or anonymous volume (`<data-root>/volumes/<name>/_data`).
  case volume
  /// A fresh tmpfs.
  case tmpfs
}

/// One `--mount` (Docker API `HostConfig.Mounts[]`), as the user gave it.
public struct MountSpec: Codable, Sendable, Equatable {
  /// `type=`; volume when omitted.
  public var type: MountType = .volume
  /// `source=`/`src=`: host path (bind) or volume name (empty: anonymous volume).
  public var source = ""
  /// `target=`/`destination=`/`dst=`.
  public var target = ""
  /// `readonly`/`ro`.
  public var readOnly = false
  /// `bind-propagation=`.
  public var propagation: String?
  /// `volume-nocopy`: do not copy the image's content into a new volume.
  public var noCopy = false
  /// `volume-label=`: labels of a volume created by this mount.
  public var labels: [String: String]?
  /// `tmpfs-size=` in bytes (0: the kernel's default).
  public var tmpfsSize: Int64 = 0
  /// `tmpfs-mode=` (0: the kernel's default, 1777).
  public var tmpfsMode: UInt32 = 0

  /// An empty volume mount.
  public init() {}
}

/// A container's mount as resolved at create (Docker's `MountPoint`): what `inspect` shows in
/// `.Mounts` and what the runtime mounts at each start.
public struct MountPoint: Codable, Sendable, Equatable {
  /// bind, volume or tmpfs.
  public var type: MountType
  /// The volume's name (volumes only).
  public var name = ""
  /// The host path (binds only; volumes get theirs from the volume).
  public var source = ""
  /// The absolute, cleaned path in the container.
  public var destination: String
  /// Whether the container may write.
  public var readWrite = true
  /// The mode string of `-v` (`ro`, `rw,z`, …); empty for `--mount`.
  public var mode = ""
  /// `rprivate`, `rshared`, … (binds); empty otherwise.
  public var propagation = ""
  /// Whether the image's content at destination is copied into the volume while it is empty.
  public var copyData = false
  /// Whether the volume was made for this container alone (`-v /path`, an image `VOLUME`).
  public var anonymous = false
  /// A `-v` bind whose missing host directory is created (never for `--mount`).
  public var createSource = false
  /// tmpfs mount options (`size=…,mode=…,exec`).
  public var tmpfsOptions = ""
  /// Labels for a volume this mount creates.
  public var labels: [String: String]?

  /// A mount of type at destination.
  public init(type: MountType, destination: String) {
    self.type = type
    self.destination = destination
  }
}
