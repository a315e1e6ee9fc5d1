import BerthImage
import BerthOCI
import BerthRuntime
import BerthSystem
import CBerth
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// How a started container's stdio is connected.
public enum StdioMode: Sendable {
  /// The container's stdout and stderr are this process's; stdin too when `stdin` is true,
  /// /dev/null otherwise.
  case inherit(stdin: Bool)
  /// A new pseudo-terminal; this process relays it to its own stdin/stdout.
  case terminal(stdin: Bool)
  /// Given file descriptors of this process (pipes, files), dup'ed to the container's 0, 1, 2;
  /// a negative stdin means /dev/null.
  case files(stdin: Int32, stdout: Int32, stderr: Int32)
}

/// A container whose init is running.
public struct RunningContainer: Sendable {
  /// The container's id.
  public let id: String
  /// Its init process.
  public let process: ContainerProcess
  /// Its cgroup.
  public let cgroup: Cgroup
  /// The pty master when it has a terminal.
  public let terminalMaster: Int32?
  /// Whether --rm was given.
  public let autoRemove: Bool
}

extension ContainerService {
  /// Starts a created or exited container.
  public func start(_ ref: String, stdio: StdioMode) throws -> RunningContainer {
    Cgroup.warmMigrations(for: 1)
    let c = try get(ref)
    if c.state == .running && Processes.isAlive(pid: c.pid, startTime: c.pidStart) {
      throw BerthError.conflict("container \(c.shortID) is already running")
    }
    let image = try images.resolve(c.imageID.description)
    let imageConfig = try images.config(of: image)
    let dir = paths.container(c.id)
    try prepareDirectories(
      id: c.id, hostname: c.config.config.hostname ?? c.shortID)
    unlink(dir + "/exit")
    try prepareVolumes(for: c, lowerDirs: images.layerDirectories(of: imageConfig))
    var spec = try runtimeSpec(for: c, imageConfig: imageConfig)
    let peer = try networkPeer(of: c)
    let network = try prepareNetwork(c)

    let stdioFds: ContainerProcess.Stdio
    var nullFd: Int32 = -1
    switch stdio {
    case .inherit(let withStdin):
      if !withStdin { nullFd = open("/dev/null", O_RDONLY | O_CLOEXEC) }
      stdioFds = .init(stdin: withStdin ? 0 : nullFd, stdout: 1, stderr: 2)
    case .files(let i, let o, let e):
      if i < 0 { nullFd = open("/dev/null", O_RDONLY | O_CLOEXEC) }
      stdioFds = .init(stdin: i < 0 ? nullFd : i, stdout: o, stderr: e)
    case .terminal:
      var rows: UInt16 = 0
      var cols: UInt16 = 0
      if berth_window_size(0, &rows, &cols) != 0 { _ = berth_window_size(1, &rows, &cols) }
      stdioFds = .console(rows: rows, cols: cols)
      spec.process.terminal = true
    }
    defer { if nullFd >= 0 { close(nullFd) } }

    let seccomp = try compiledSeccomp(spec, custom: c.config.host.seccompProfile != nil)
    Trace.mark("seccomp ready")
    let cgroup = Cgroup(containerID: c.id)
    cgroup.remove()
    let process: ContainerProcess
    do {
      try cgroup.create(spec.linux.resources, privileged: spec.linux.privileged)
      Trace.mark("cgroup made")
      // The spec as an OCI bundle's config.json, for debugging only: encoding the seccomp
      // profile costs a few milliseconds of every start.
      if Trace.enabled { try FileSystem.write(dir + "/config.json", try JSONEncoder().encode(spec)) }
      process = try ContainerProcess.start(
        spec: spec, cgroup: cgroup, stdio: stdioFds, seccomp: seccomp, joinNetworkOf: peer?.pid
      ) { pid in
        if let network { try networks.plumb(network, pid: pid) }
      }
    } catch let error as BerthError {
      cgroup.remove()
      releaseNetwork(c.id)
      try recordExit(c.id, code: error.exitStatus ?? 125, oom: false, error: error.message)
      throw error
    } catch {
      cgroup.remove()
      releaseNetwork(c.id)
      try recordExit(c.id, code: 125, oom: false, error: "\(error)")
      throw error
    }
    Trace.mark("init exec'd")
    let startTime = Processes.startTime(of: process.pid) ?? 0
    try store.write { db in
      try db.execute(
        sql: """
          UPDATE containers SET state = 'running', pid = ?, pid_start = ?, started_at = ?, exit_code = 0,
          oom_killed = 0, error = '', health = '', monitor_pid = ?, monitor_start = ? WHERE id = ?
          """,
        arguments: [
          process.pid, Int64(startTime), Timestamp.now(), getpid(), Int64(Processes.startTime(of: getpid()) ?? 0),
          c.id,
        ])
    }
    emit("start", c)
    return RunningContainer(
      id: c.id, process: process, cgroup: cgroup, terminalMaster: process.consoleMaster,
      autoRemove: c.config.host.autoRemove)
  }

  /// Waits for a started container to exit, records the exit, frees its cgroup and, for --rm,
  /// removes it. Returns Docker's exit code.
  public func wait(_ running: RunningContainer) throws -> Int32 {
    let code = running.process.wait()
    Trace.mark("exited")
    let oom = running.cgroup.oomKilled()
    running.cgroup.remove()
    Trace.mark("cgroup removed")
    try recordExit(running.id, code: code, oom: oom, error: "")
    Trace.mark("exit recorded")
    releaseNetwork(running.id)
    Trace.mark("network released")
    if running.autoRemove { try remove(running.id, force: true) }
    Trace.mark("recorded and removed")
    return code
  }

  /// Starts a container in the foreground (as `docker run` without -d): signals to this process
  /// are forwarded, a terminal is relayed, and the exit code is returned when it exits. Without a
  /// terminal its stdout and stderr are pipes that this process copies to its own and, as
  /// Docker keeps them, to the container's json-file log.
  public func run(_ ref: String, stdio: StdioMode) throws -> Int32 {
    let running: RunningContainer
    var startStdio = stdio
    var out: [Int32] = [-1, -1]
    var err: [Int32] = [-1, -1]
    if case .inherit(let withStdin) = stdio {
      try syscall("pipe2", "stdout") { berth_pipe(&out) == 0 ? 0 : -1 }
      try syscall("pipe2", "stderr") { berth_pipe(&err) == 0 ? 0 : -1 }
      startStdio = .files(stdin: withStdin ? 0 : -1, stdout: out[1], stderr: err[1])
    }
    defer { for fd in out + err where fd >= 0 { close(fd) } }
    berth_forward_signals_prepare()
    do {
      running = try start(ref, stdio: startStdio)
    } catch {
      if let c = try? get(ref), c.config.host.autoRemove { try? remove(c.id, force: true) }
      throw error
    }
    berth_forward_signals(running.process.pid)
    Cgroup.stopWarmingMigrations()
    if out[0] >= 0 {
      close(out[1])
      close(err[1])
      out[1] = -1
      err[1] = -1
      let record = try? get(running.id)
      let log = record?.config.host.logOptions ?? [:]
      let maxSize = (try? log["max-size"].map { try ByteSize.parse($0, flag: "max-size") }) ?? 0
      let path = record.map(logDestination) ?? logPath(running.id)
      _ = jsonlog_relay(out[0], err[0], 1, 2, path, maxSize, Int32(log["max-file"] ?? "1") ?? 1)
      out[0] = -1  // closed by the relay
      err[0] = -1
    }
    if let master = running.terminalMaster {
      var withStdin = false
      if case .terminal(let s) = stdio { withStdin = s }
      berth_pump_tty(master, withStdin ? 0 : -1, 1)
      close(master)
    }
    return try wait(running)
  }

  func recordExit(_ id: String, code: Int32, oom: Bool, error: String, finishedAt: String = Timestamp.now()) throws {
    try store.write { db in
      try db.execute(
        sql: """
          UPDATE containers SET state = 'exited', pid = 0, pid_start = 0, exit_code = ?, oom_killed = ?,
          error = ?, finished_at = ?, monitor_pid = 0, monitor_start = 0 WHERE id = ?
          """, arguments: [code, oom, error, finishedAt, id])
    }
    if oom { emit("oom", id: id) }
    emit("die", id: id, ["exitCode": String(code)])
  }

  /// The OCI runtime spec of a container: its image's layers, Docker's defaults, its settings.
  func runtimeSpec(for c: ContainerRecord, imageConfig: ImageConfig) throws -> RuntimeSpec {
    let dir = paths.container(c.id)
    let host = c.config.host
    let cfg = c.config.config
    let user = try UserLookup.resolve(
      cfg.user ?? "", passwd: images.readFile("/etc/passwd", in: imageConfig, upper: dir + "/upper"),
      group: images.readFile("/etc/group", in: imageConfig, upper: dir + "/upper"))
    var env = (cfg.env ?? []).filter { $0.contains("=") }
    let keys = Set(env.map { $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? $0 })
    env += linkEnvironment(c).filter { !keys.contains(String($0.prefix { $0 != "=" })) }
    if !env.contains(where: { $0.hasPrefix("HOME=") }) { env.append("HOME=\(user.home)") }
    var process = RuntimeSpec.Process(args: c.config.argv, env: env)
    process.cwd = (cfg.workingDir ?? "").isEmpty ? "/" : cfg.workingDir!
    process.user = .init(
      uid: user.uid, gid: user.gid,
      additionalGids: try addedGroups(
        host.groupAdd, to: user.additionalGids,
        group: images.readFile("/etc/group", in: imageConfig, upper: dir + "/upper")))
    process.capabilities = .init(
      try Capabilities.resolve(add: host.capAdd, drop: host.capDrop, privileged: host.privileged))
    process.rlimits = host.ulimits
    process.noNewPrivileges = SecurityOptions.noNewPrivileges(host)
    process.terminal = cfg.tty ?? false

    var root = RuntimeSpec.Root(
      path: dir + "/rootfs", lowerDirs: [try InitLayer.directory(in: paths)] + images.layerDirectories(of: imageConfig),
      upperDir: dir + "/upper", workDir: dir + "/work")
    root.readonly = host.readonlyRootfs
    var mounts = RuntimeSpec.defaultMounts(privileged: host.privileged)
    mounts += Cgroup(containerID: c.id).mounts(privileged: host.privileged)
    let filesDir = networkFilesDirectory(of: c)
    for file in ["resolv.conf", "hostname", "hosts"] {
      mounts.append(
        .init(destination: "/etc/" + file, type: "bind", source: filesDir + "/" + file, options: ["rbind", "rprivate"]))
    }
    if host.initProcess == true {
      // Read-only: the container must never write to the host's binary.
      mounts.append(
        .init(
          destination: "/sbin/docker-init", type: "bind", source: Self.initExecutable,
          options: ["bind", "ro", "nosuid", "nodev"]))
      process.args = ["/sbin/docker-init", "--"] + process.args
    }
    mounts += volumeMounts(for: c)
    var linux = RuntimeSpec.Linux()
    if host.networkMode == "host" || host.networkContainer != nil { linux.namespaces.removeAll { $0 == "network" } }
    if host.pidMode == "host" { linux.namespaces.removeAll { $0 == "pid" } }
    if host.utsMode == "host" { linux.namespaces.removeAll { $0 == "uts" } }
    if host.cgroupnsMode == "private" { linux.namespaces.append("cgroup") }
    linux.privileged = host.privileged
    if !host.privileged {
      linux.maskedPaths = RuntimeSpec.defaultMaskedPaths
      linux.readonlyPaths = RuntimeSpec.defaultReadonlyPaths + ["/sys/fs/cgroup"]
      linux.devices = RuntimeSpec.defaultDevices
      if !SecurityOptions.seccompUnconfined(host) {
        linux.seccomp = host.seccompProfile ?? SeccompProfile.dockerDefault()
      }
    } else {
      linux.devices = RuntimeSpec.hostDevices()
    }
    if host.memory > 0 { linux.resources.memory = host.memory }
    if host.memorySwap != 0 { linux.resources.memorySwap = host.memorySwap }
    if host.nanoCPUs > 0 { linux.resources.nanoCPUs = host.nanoCPUs }
    if host.cpuShares > 0 { linux.resources.cpuShares = host.cpuShares }
    if host.pidsLimit > 0 { linux.resources.pidsLimit = host.pidsLimit }
    linux.resources.cpusetCpus = host.cpusetCpus
    linux.resources.cpusetMems = host.cpusetMems
    linux.resources.deviceRules = host.deviceCgroupRules
    linux.resources.memorySwappiness = host.memorySwappiness
    return RuntimeSpec(
      process: process, root: root, hostname: cfg.hostname ?? c.shortID, mounts: mounts, linux: linux)
  }

  /// The supplementary groups of `--group-add` added to the user's: numbers as given, names
  /// looked up in the image's /etc/group (an unknown name is an error, as in Docker).
  func addedGroups(_ names: [String]?, to gids: [UInt32], group: String?) throws -> [UInt32] {
    var result = gids
    for name in names ?? [] {
      let gid: UInt32
      if let n = UInt32(name) {
        gid = n
      } else if let line = (group ?? "").split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
        let n = UInt32(line.split(separator: ":", omittingEmptySubsequences: false).dropFirst(2).first ?? "")
      {
        gid = n
      } else {
        throw BerthError.invalid("Unable to find group \(name): no matching entries in group file")
      }
      if !result.contains(gid) { result.append(gid) }
    }
    return result
  }

  /// The container's seccomp filter, compiled once per profile and capability set and cached in
  /// the exec root.
  func compiledSeccomp(_ spec: RuntimeSpec, custom: Bool) throws -> [UInt8]? {
    guard let profile = spec.linux.seccomp else { return nil }
    let caps = Set(spec.process.capabilities.bounding)
    // The built-in profile is keyed by name (it only changes with Berth); a custom one by content.
    var identity = Array("berth-default-1".utf8)
    if custom {
      let encoder = JSONEncoder()
      encoder.outputFormatting = .sortedKeys
      identity = Array(try encoder.encode(profile))
    }
    let key = Digest.sha256(of: identity + Array(caps.sorted().joined(separator: ",").utf8))
    let cache = "\(paths.execRoot)/seccomp-\(key.hex.prefix(32)).bpf"
    if let bytes = try? FileSystem.read(cache), !bytes.isEmpty, bytes.count % 8 == 0 { return bytes }
    let bpf = try SeccompCompiler.compile(profile, capabilities: caps)
    try? FileSystem.writeAtomically(cache, bpf)
    return bpf
  }
}
