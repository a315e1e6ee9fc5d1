import BerthImage
import BerthNetwork
import BerthOCI
import Foundation

/// `docker image inspect` output, in Docker's shape and key order, for the fields Berth has.
public struct ImageInspect: Encodable, Sendable {
  public var Id: String
  public var RepoTags: [String]
  public var RepoDigests: [String]
  public var Parent: String
  public var Comment: String
  public var Created: String
  public var Container: String
  public var ContainerConfig: ImageConfigDocument?
  public var DockerVersion: String
  public var Author: String
  public var Config: ImageConfigDocument?
  public var Architecture: String
  public var Variant: String?
  public var Os: String
  public var Size: Int64
  public var GraphDriver: GraphDriver
  public var RootFS: RootFS
  public var Metadata: [String: String]

  /// A config as image inspect shows it: `OnBuild` is always there (null when empty), as in
  /// Docker's answer, whose clients read it unconditionally.
  public struct ImageConfigDocument: Encodable, Sendable {
    public var config: ContainerConfig

    enum Key: String, CodingKey { case OnBuild }

    public func encode(to encoder: any Encoder) throws {
      try config.encode(to: encoder)
      if config.onBuild == nil {
        var c = encoder.container(keyedBy: Key.self)
        try c.encodeNil(forKey: .OnBuild)
      }
    }
  }

  /// Storage driver details.
  public struct GraphDriver: Encodable, Sendable {
    public var Data: [String: String]
    public var Name: String
  }

  /// Layer list.
  public struct RootFS: Encodable, Sendable {
    public var `Type`: String
    public var Layers: [String]
  }
}

/// `docker container inspect` output, in Docker's shape, for the fields Berth has.
public struct ContainerInspect: Encodable, Sendable {
  public var Id: String
  public var Created: String
  public var Path: String
  public var Args: [String]
  public var State: State
  public var Image: String
  public var ResolvConfPath: String
  public var HostnamePath: String
  public var HostsPath: String
  public var LogPath: String
  public var Name: String
  public var RestartCount: Int
  public var Driver: String
  public var Platform: String
  public var MountLabel: String
  public var ProcessLabel: String
  public var AppArmorProfile: String
  public var HostConfig: HostConfig
  public var GraphDriver: ImageInspect.GraphDriver
  public var Mounts: [MountDocument]
  public var Config: ContainerConfig
  public var NetworkSettings: NetworkSettings

  /// Lifecycle state.
  public struct State: Encodable, Sendable {
    public var Status: String
    public var Running: Bool
    public var Paused: Bool
    public var Restarting: Bool
    public var OOMKilled: Bool
    public var Dead: Bool
    public var Pid: Int32
    public var ExitCode: Int32
    public var Error: String
    public var StartedAt: String
    public var FinishedAt: String
    public var Health: Health?
  }

  /// `State.Health`.
  public struct Health: Encodable, Sendable {
    public var Status: String
    public var FailingStreak: Int
    public var Log: [HealthLog]
  }

  /// One check in `State.Health.Log`.
  public struct HealthLog: Encodable, Sendable {
    public var Start: String
    public var End: String
    public var ExitCode: Int32
    public var Output: String
  }

  /// The HostConfig fields Berth supports.
  public struct HostConfig: Encodable, Sendable {
    public var NetworkMode: String
    public var AutoRemove: Bool
    public var Privileged: Bool
    public var ReadonlyRootfs: Bool
    public var CapAdd: [String]?
    public var CapDrop: [String]?
    public var SecurityOpt: [String]?
    public var Memory: Int64
    public var MemorySwap: Int64
    public var NanoCpus: Int64
    public var CpuShares: Int64
    public var PidsLimit: Int64?
    public var Ulimits: [Ulimit]?
    public var RestartPolicy: RestartPolicyDocument
    public var LogConfig: LogConfigDocument
    public var Binds: [String]?
    public var Tmpfs: [String: String]?
    public var VolumesFrom: [String]?
    /// `-p` as given (`HostPort` empty for a free port, `8000-8010` for a host range).
    public var PortBindings: [String: [PortDocument]]
    /// `-P`.
    public var PublishAllPorts: Bool
    /// `--dns`, `--dns-option`, `--dns-search`, `--add-host`, `--link` (Docker's `/name:/alias`).
    public var Dns: [String]
    public var DnsOptions: [String]
    public var DnsSearch: [String]
    public var ExtraHosts: [String]?
    public var Links: [String]?
    public var Init: Bool? = nil
    /// Docker's fields, with Docker's default values where Berth has no such feature (clients
    /// read them unconditionally).
    public var PidMode = ""
    public var UTSMode = ""
    public var IpcMode = "private"
    public var UsernsMode = ""
    public var CgroupnsMode = "host"
    public var Cgroup = ""
    public var CgroupParent = ""
    public var Runtime = "runc"
    public var Isolation = ""
    public var VolumeDriver = ""
    public var ShmSize: Int64 = 67_108_864
    public var OomKillDisable = false
    public var GroupAdd: [String]? = nil
    public var Devices: [String] = []
    public var DeviceCgroupRules: [String]? = nil
    public var DeviceRequests: [String]? = nil
    public var ConsoleSize = [0, 0]
    public var ContainerIDFile = ""
    public var BlkioWeight = 0
    public var CpuPeriod: Int64 = 0
    public var CpuQuota: Int64 = 0
    public var CpusetCpus = ""
    public var CpusetMems = ""
    public var MemoryReservation: Int64 = 0
    public var MemorySwappiness = Nullable<Int64>()
    public var OomScoreAdj = 0
  }

  /// `HostConfig.RestartPolicy`.
  public struct RestartPolicyDocument: Encodable, Sendable {
    public var Name: String
    public var MaximumRetryCount: Int
  }

  /// `HostConfig.LogConfig`.
  public struct LogConfigDocument: Encodable, Sendable {
    public var `Type`: String
    public var Config: [String: String]
  }

  /// One `--ulimit`.
  public struct Ulimit: Encodable, Sendable {
    public var Name: String
    public var Hard: Int64
    public var Soft: Int64
  }
}

extension ImageService {
  /// Docker's inspect document for an image.
  public func inspect(_ name: String) throws -> ImageInspect {
    let image = try resolve(name)
    let config = try self.config(of: image)
    let chains = LayerStore.chainIDs(diffIDs: config.rootfs.diffIDs)
    let dirs = chains.reversed().map { layers.diffPath($0) }
    return ImageInspect(
      Id: image.id.description,
      RepoTags: image.tags.compactMap { try? Reference(parsing: $0).familiarString },
      RepoDigests: (try? repoDigests(of: image)) ?? [], Parent: (try? parent(of: image)) ?? "",
      Comment: config.history?.last?.comment ?? "", Created: image.created, Container: config.container ?? "",
      ContainerConfig: config.containerConfig.map { .init(config: $0) },
      DockerVersion: "", Author: config.author ?? "", Config: config.config.map { .init(config: $0) },
      Architecture: config.architecture,
      Variant: config.variant, Os: config.os, Size: image.size,
      GraphDriver: .init(
        Data: dirs.isEmpty
          ? [:]
          : ["UpperDir": dirs[0], "LowerDir": dirs.dropFirst().joined(separator: ":")].filter { !$0.value.isEmpty },
        Name: "overlay2"),
      RootFS: .init(Type: "layers", Layers: config.rootfs.diffIDs.map(\.description)),
      Metadata: ["LastTagTime": "0001-01-01T00:00:00Z"])
  }
}

extension ImageService {
  /// The image a committed image was made from ("" for none).
  func parent(of image: ImageRecord) throws -> String {
    try store.read { db in
      try String.fetchOne(db, sql: "SELECT parent FROM images WHERE id = ?", arguments: [image.id.description])
    } ?? ""
  }
}

extension ContainerService {
  /// Docker's inspect document for a container.
  public func inspect(_ ref: String) throws -> ContainerInspect {
    let c = try get(ref)
    let dir = paths.container(c.id)
    let files = networkFilesDirectory(of: c)
    let h = c.config.host
    let argv = c.config.argv
    var inspect = ContainerInspect(
      Id: c.id, Created: c.created, Path: argv.first ?? "", Args: Array(argv.dropFirst()),
      State: .init(
        Status: c.state.rawValue, Running: c.state == .running || c.state == .paused, Paused: c.state == .paused,
        Restarting: c.state == .restarting,
        OOMKilled: c.oomKilled, Dead: c.state == .dead, Pid: c.pid, ExitCode: c.exitCode, Error: c.error,
        StartedAt: c.startedAt, FinishedAt: c.finishedAt,
        Health: c.health.map { h in
          .init(
            Status: h.status, FailingStreak: h.failingStreak,
            Log: h.log.map { .init(Start: $0.start, End: $0.end, ExitCode: $0.exitCode, Output: $0.output) })
        }),
      Image: c.imageID.description, ResolvConfPath: files + "/resolv.conf", HostnamePath: files + "/hostname",
      HostsPath: files + "/hosts", LogPath: logPath(c.id), Name: "/" + c.name,
      RestartCount: c.restartCount, Driver: "overlay2",
      Platform: "linux", MountLabel: "", ProcessLabel: "", AppArmorProfile: "",
      HostConfig: .init(
        NetworkMode: h.networkMode, AutoRemove: h.autoRemove, Privileged: h.privileged,
        ReadonlyRootfs: h.readonlyRootfs,
        CapAdd: h.capAdd.isEmpty ? nil : h.capAdd, CapDrop: h.capDrop.isEmpty ? nil : h.capDrop,
        SecurityOpt: h.securityOpt.isEmpty ? nil : h.securityOpt, Memory: h.memory, MemorySwap: h.memorySwap,
        NanoCpus: h.nanoCPUs, CpuShares: h.cpuShares, PidsLimit: h.pidsLimit > 0 ? h.pidsLimit : nil,
        Ulimits: h.ulimits.isEmpty
          ? nil
          : h.ulimits.map {
            .init(
              Name: String($0.type.dropFirst(7)).lowercased(), Hard: $0.hard == .max ? -1 : Int64($0.hard),
              Soft: $0.soft == .max ? -1 : Int64($0.soft))
          },
        RestartPolicy: .init(
          Name: h.restartPolicy?.name ?? "no", MaximumRetryCount: h.restartPolicy?.maximumRetryCount ?? 0),
        LogConfig: .init(Type: h.logDriver ?? "json-file", Config: h.logOptions ?? [:]), Binds: h.binds, Tmpfs: h.tmpfs,
        VolumesFrom: h.volumesFrom, PortBindings: portBindingsDocument(h.networking?.ports ?? []),
        PublishAllPorts: h.networking?.publishAll ?? false, Dns: h.networking?.dns ?? [],
        DnsOptions: h.networking?.dnsOptions ?? [], DnsSearch: h.networking?.dnsSearch ?? [],
        ExtraHosts: h.networking.flatMap { $0.extraHosts.isEmpty ? nil : $0.extraHosts },
        Links: h.networking.flatMap { $0.links.isEmpty ? nil : $0.links.map { linkDocument($0, container: c.name) } }),
      GraphDriver: .init(
        Data: ["UpperDir": dir + "/upper", "WorkDir": dir + "/work", "MergedDir": dir + "/rootfs"], Name: "overlay2"),
      Mounts: mountDocuments(c), Config: c.config.config, NetworkSettings: networkSettings(c))
    inspect.HostConfig.Init = h.initProcess
    inspect.HostConfig.PidMode = h.pidMode ?? ""
    inspect.HostConfig.UTSMode = h.utsMode ?? ""
    inspect.HostConfig.CgroupnsMode = h.cgroupnsMode ?? "host"
    inspect.HostConfig.Isolation = h.isolation ?? ""
    inspect.HostConfig.CpusetCpus = h.cpusetCpus ?? ""
    inspect.HostConfig.CpusetMems = h.cpusetMems ?? ""
    inspect.HostConfig.GroupAdd = h.groupAdd
    inspect.HostConfig.DeviceCgroupRules = h.deviceCgroupRules
    inspect.HostConfig.MemorySwappiness = .init(h.memorySwappiness)
    inspect.HostConfig.VolumeDriver = h.volumeDriver ?? ""
    return inspect
  }
}
