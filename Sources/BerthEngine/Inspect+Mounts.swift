import BerthOCI

/// One of `docker container inspect`'s `.Mounts`, in Docker's key order.
public struct MountDocument: Encodable, Sendable {
  public var `Type`: String
  public var Name: String?
  public var Source: String
  public var Destination: String
  public var Driver: String?
  public var Mode: String
  public var RW: Bool
  public var Propagation: String
}

extension ContainerService {
  /// The container's mounts as `inspect` shows them (`--tmpfs` mounts are in `HostConfig.Tmpfs`).
  func mountDocuments(_ c: ContainerRecord) -> [MountDocument] {
    (c.config.mountPoints ?? []).map { p in
      let volume = p.type == .volume
      return MountDocument(
        Type: p.type.rawValue, Name: volume ? p.name : nil,
        Source: volume ? volumeService.dataPath(p.name) : p.source, Destination: p.destination,
        Driver: volume ? "local" : nil, Mode: p.mode, RW: p.readWrite, Propagation: p.propagation)
    }
  }
}
