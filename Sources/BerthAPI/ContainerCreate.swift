import BerthEngine
import BerthNetwork
import BerthOCI
import BerthRuntime
import Foundation

/// The body of `POST /containers/create`: Docker's `Config` with `HostConfig`, for the fields
/// the engine supports (the rest is accepted and ignored, as older daemons do).
struct CreateBody: Decodable {
  var Hostname: String?
  var User: String?
  var Tty: Bool?
  var OpenStdin: Bool?
  var StdinOnce: Bool?
  var Env: [String]?
  var Cmd: StringList?
  var Entrypoint: StringList?
  var Image: String?
  var Labels: [String: String]?
  var WorkingDir: String?
  var Volumes: [String: EmptyObject]?
  var Healthcheck: BerthOCI.Healthcheck?
  var StopSignal: String?
  var StopTimeout: Int?
  var HostConfig: HostConfigBody?
  var ExposedPorts: [String: EmptyObject]?
  var NetworkingConfig: NetworkingConfigBody?
  var MacAddress: String?

  struct NetworkingConfigBody: Decodable {
    var EndpointsConfig: [String: EndpointBody]?
  }

  /// One network's endpoint settings (`NetworkingConfig.EndpointsConfig`, `network connect`).
  struct EndpointBody: Decodable {
    var Aliases: [String]?
    var IPAMConfig: IPAMBody?
    var Links: [String]?
    var DriverOpts: [String: String]?
    var MacAddress: String?

    struct IPAMBody: Decodable {
      var IPv4Address: String?
      var IPv6Address: String?
      var LinkLocalIPs: [String]?
    }

    /// The engine's endpoint settings.
    var settings: EndpointSettings {
      var e = EndpointSettings()
      func given(_ s: String?) -> String? { (s ?? "").isEmpty ? nil : s }
      e.ipv4Address = given(IPAMConfig?.IPv4Address)
      e.ipv6Address = given(IPAMConfig?.IPv6Address)
      e.linkLocalIPs = (IPAMConfig?.LinkLocalIPs ?? []).isEmpty ? nil : IPAMConfig?.LinkLocalIPs
      e.links = (Links ?? []).isEmpty ? nil : Links
      e.driverOpts = (DriverOpts ?? [:]).isEmpty ? nil : DriverOpts
      e.macAddress = given(MacAddress)
      return e
    }
  }

  struct PortBindingBody: Decodable {
    var HostIp: String?
    var HostPort: String?
  }

  struct HostConfigBody: Decodable {
    var AutoRemove: Bool?
    var Binds: [String]?
    var Mounts: [MountBody]?
    var Tmpfs: [String: String]?
    var VolumesFrom: [String]?
    var RestartPolicy: RestartPolicyBody?
    var Memory: Int64?
    var MemorySwap: Int64?
    var NanoCpus: Int64?
    var CpuShares: Int64?
    var PidsLimit: Int64?
    var Privileged: Bool?
    var CapAdd: [String]?
    var CapDrop: [String]?
    var SecurityOpt: [String]?
    var ReadonlyRootfs: Bool?
    var Init: Bool?
    var LogConfig: LogConfigBody?
    var NetworkMode: String?
    var PortBindings: [String: [PortBindingBody]?]?
    var PublishAllPorts: Bool?
    var Links: [String]?
    var ExtraHosts: [String]?
    var Dns: [String]?
    var DnsSearch: [String]?
    var DnsOptions: [String]?
    var PidMode: String?
    var UTSMode: String?
    var CgroupnsMode: String?
    var Isolation: String?
    var CpusetCpus: String?
    var CpusetMems: String?
    var GroupAdd: [String]?
    var DeviceCgroupRules: [String]?
    var MemorySwappiness: Int64?
    var VolumeDriver: String?
  }

  struct RestartPolicyBody: Decodable {
    var Name: String?
    var MaximumRetryCount: Int?
  }

  struct LogConfigBody: Decodable {
    var `Type`: String?
    var Config: [String: String]?
  }

  struct MountBody: Decodable {
    var `Type`: String?
    var Source: String?
    var Target: String?
    var ReadOnly: Bool?
    var BindOptions: BindOptionsBody?
    var VolumeOptions: VolumeOptionsBody?
    var TmpfsOptions: TmpfsOptionsBody?

    struct BindOptionsBody: Decodable { var Propagation: String? }
    struct VolumeOptionsBody: Decodable {
      var NoCopy: Bool?
      var Labels: [String: String]?
    }
    struct TmpfsOptionsBody: Decodable {
      var SizeBytes: Int64?
      var Mode: UInt32?
    }
  }
}

/// A JSON string or array of strings (Docker's `strslice`: a string is one element).
struct StringList: Decodable {
  var values: [String]

  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if let s = try? c.decode(String.self) { values = [s] } else { values = try c.decode([String].self) }
  }
}

extension CreateBody {
  /// The engine's create options for this body and `?name=`.
  func options(name: String?) throws -> CreateOptions {
    guard let image = Image, !image.isEmpty else {
      throw BerthError.invalid("Config cannot be empty in order to create a container")
    }
    var o = CreateOptions(image: image)
    if let name, !name.isEmpty { o.name = name }
    o.overrides.entrypoint = Entrypoint?.values
    o.overrides.cmd = Cmd?.values ?? []
    o.overrides.env = Env ?? []
    o.overrides.workingDir = (WorkingDir ?? "").isEmpty ? nil : WorkingDir
    o.overrides.user = (User ?? "").isEmpty ? nil : User
    o.overrides.tty = Tty ?? false
    if let h = Hostname, !h.isEmpty { o.hostname = h }
    o.tty = Tty ?? false
    o.openStdin = OpenStdin ?? false
    o.stdinOnce = StdinOnce ?? false
    o.labels = Labels ?? [:]
    o.healthcheck = Healthcheck
    o.stopSignal = (StopSignal ?? "").isEmpty ? nil : StopSignal
    o.stopTimeout = StopTimeout
    o.volumes = (Volumes ?? [:]).keys.sorted()
    var host = HostSettings()
    var net = NetworkingOptions()
    net.expose = (ExposedPorts ?? [:]).keys.sorted()
    if let mac = MacAddress, !mac.isEmpty {
      guard EndpointSettings.macBytes(mac) != nil else { throw BerthError.invalid("invalid MAC address: \(mac)") }
      net.macAddress = mac
    }
    guard let h = HostConfig else {
      if net != NetworkingOptions() { host.networking = net }
      o.host = host
      return o
    }
    host.autoRemove = h.AutoRemove ?? false
    host.privileged = h.Privileged ?? false
    host.readonlyRootfs = h.ReadonlyRootfs ?? false
    host.capAdd = h.CapAdd ?? []
    host.capDrop = h.CapDrop ?? []
    host.memory = h.Memory ?? 0
    host.memorySwap = h.MemorySwap ?? 0
    host.nanoCPUs = h.NanoCpus ?? 0
    host.cpuShares = h.CpuShares ?? 0
    host.pidsLimit = max(0, h.PidsLimit ?? 0)
    host.initProcess = h.Init
    if let mode = h.NetworkMode, !mode.isEmpty { host.networkMode = mode }
    try networking(h, into: &net, mode: host.networkMode)
    if let log = h.LogConfig {
      if log.Type == "none" {
        if let key = log.Config?.keys.sorted().first {
          throw BerthError.invalid("unknown log opt '\(key)' for none log driver")
        }
        host.logDriver = "none"
      } else if let type = log.Type, !type.isEmpty, type != "json-file" {
        let known = [
          "none", "local", "syslog", "journald", "gelf", "fluentd", "awslogs", "splunk", "etwlogs", "gcplogs",
        ]
        throw BerthError.invalid(
          known.contains(type)
            ? "logging driver \(type) is not supported by berth: only json-file"
            : "logger: no log driver named '\(type)' is registered")
      }
      if let config = log.Config, !config.isEmpty { host.logOptions = config }
    }
    if let policy = h.RestartPolicy, let name = policy.Name, !name.isEmpty, name != "no" {
      let count = policy.MaximumRetryCount ?? 0
      host.restartPolicy = try RestartPolicy(parsing: name == "on-failure" && count > 0 ? "\(name):\(count)" : name)
    }
    for opt in h.SecurityOpt ?? [] {
      // The Docker CLI sends a seccomp profile's content, not its file name.
      if opt.hasPrefix("seccomp="), opt.dropFirst(8).first == "{" {
        do {
          host.seccompProfile = try JSONDecoder().decode(SeccompProfile.self, from: Data(opt.dropFirst(8).utf8))
        } catch {
          throw BerthError.invalid("decoding seccomp profile failed: \(error)")
        }
        host.securityOpt.append("seccomp=profile")
      } else {
        host.securityOpt.append(opt)
      }
    }
    func given(_ s: String?) -> String? { (s ?? "").isEmpty ? nil : s }
    host.pidMode = given(h.PidMode)
    host.utsMode = given(h.UTSMode)
    host.cgroupnsMode = given(h.CgroupnsMode)
    host.isolation = given(h.Isolation)
    host.cpusetCpus = given(h.CpusetCpus)
    host.cpusetMems = given(h.CpusetMems)
    host.groupAdd = (h.GroupAdd ?? []).isEmpty ? nil : h.GroupAdd
    host.deviceCgroupRules = (h.DeviceCgroupRules ?? []).isEmpty ? nil : h.DeviceCgroupRules
    host.memorySwappiness = h.MemorySwappiness.flatMap { $0 < 0 ? nil : $0 }
    host.volumeDriver = given(h.VolumeDriver)
    if let binds = h.Binds, !binds.isEmpty { host.binds = binds }
    if let tmpfs = h.Tmpfs, !tmpfs.isEmpty { host.tmpfs = tmpfs }
    if let from = h.VolumesFrom, !from.isEmpty { host.volumesFrom = from }
    if let mounts = h.Mounts, !mounts.isEmpty { host.mounts = try mounts.map { try $0.spec() } }
    if net != NetworkingOptions() { host.networking = net }
    o.host = host
    return o
  }
}

extension CreateBody {
  /// Published ports, links, hosts, DNS and the endpoints of `NetworkingConfig`: the endpoint
  /// of the primary network gives aliases and address; the others are connected as by
  /// `network connect`.
  func networking(_ h: HostConfigBody, into net: inout NetworkingOptions, mode: String) throws {
    for (key, bindings) in (h.PortBindings ?? [:]).sorted(by: { $0.key < $1.key }) {
      let list = bindings ?? []
      for b in list.isEmpty ? [PortBindingBody()] : list {
        let ip = b.HostIp ?? ""
        let spec = (ip.contains(":") ? "[\(ip)]" : ip) + ":" + (b.HostPort ?? "") + ":" + key
        net.ports += try PortBinding.parse(spec)
      }
    }
    net.publishAll = h.PublishAllPorts ?? false
    // The API's form of a link is `/target:/self/alias`; the CLI sends `target:alias`.
    net.links = (h.Links ?? []).map { link in
      let parts = link.split(separator: ":", maxSplits: 1).map(String.init)
      let target = parts[0].hasPrefix("/") ? String(parts[0].dropFirst()) : parts[0]
      guard parts.count == 2 else { return target }
      return target + ":" + (parts[1].split(separator: "/").last.map(String.init) ?? parts[1])
    }
    net.extraHosts = h.ExtraHosts ?? []
    net.dns = h.Dns ?? []
    net.dnsSearch = h.DnsSearch ?? []
    net.dnsOptions = h.DnsOptions ?? []
    for (name, endpoint) in NetworkingConfig?.EndpointsConfig ?? [:] {
      let settings = endpoint.settings
      try settings.validate()
      if !settings.isEmpty { net.endpoints = (net.endpoints ?? [:]).merging([name: settings]) { $1 } }
      let aliases = endpoint.Aliases ?? []
      if name == mode || (mode == "default" && name == "bridge") {
        net.aliases = mode == "default" || mode == "bridge" ? [] : aliases
        if let ip = endpoint.IPAMConfig?.IPv4Address, !ip.isEmpty { net.ipv4 = ip }
        if let ip = endpoint.IPAMConfig?.IPv6Address, !ip.isEmpty { net.ipv6 = ip }
        net.links += endpoint.Links ?? []
      } else {
        net.connected[name] = aliases
      }
    }
  }
}

extension CreateBody.MountBody {
  func spec() throws -> MountSpec {
    var m = MountSpec()
    guard let type = MountType(rawValue: self.Type ?? "volume") else {
      throw BerthError.invalid("mount type unknown: \(self.Type ?? "")")
    }
    m.type = type
    m.source = Source ?? ""
    guard let target = Target, !target.isEmpty else { throw BerthError.invalid("Target must not be empty") }
    m.target = target
    m.readOnly = ReadOnly ?? false
    m.propagation = self.BindOptions?.Propagation
    m.noCopy = self.VolumeOptions?.NoCopy ?? false
    m.labels = self.VolumeOptions?.Labels
    m.tmpfsSize = self.TmpfsOptions?.SizeBytes ?? 0
    m.tmpfsMode = self.TmpfsOptions?.Mode ?? 0
    return m
  }
}
