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

/// Containers: create, list, find, remove. Starting lives in `ContainerService+Start.swift`.
public final class ContainerService: Sendable {
  let paths: Paths
  let store: MetadataStore
  let images: ImageService

  init(paths: Paths, store: MetadataStore, images: ImageService) {
    self.paths = paths
    self.store = store
    self.images = images
  }

  /// A random name no container has (a taken one would fail the create with a conflict).
  func freeRandomName() throws -> String {
    for attempt in 0..<20 {
      let name = NameGenerator.random(attempt: attempt)
      let taken = try store.read { db in
        try Bool.fetchOne(db, sql: "SELECT 1 FROM containers WHERE name = ?", arguments: [name]) ?? false
      }
      if !taken { return name }
    }
    return NameGenerator.random() + "_" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
  }

  /// Creates a container (state `created`) from options; nothing runs yet.
  public func create(_ options: CreateOptions) throws -> ContainerRecord {
    Cgroup.warmMigrations(for: 1)  // a start usually follows: see Cgroup+Warmup.swift
    let image = try images.resolve(options.image)
    let imageConfig = try images.config(of: image)
    let name = try options.name.map(validName) ?? freeRandomName()
    let id = Hex.randomID()
    var hostname = options.hostname ?? String(id.prefix(12))
    if options.host.utsMode == "host" {
      // The container shares the host's name, as with Docker's `--uts host`.
      if options.hostname != nil { throw BerthError.invalid("Conflicting options: hostname and the UTS mode") }
      let name = (try? FileSystem.read("/proc/sys/kernel/hostname")) ?? []
      hostname = String(decoding: name, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    let run: RunConfiguration
    do {
      run = try imageConfig.runConfiguration(options.overrides, hostname: hostname)
    } catch {
      throw BerthError.invalid(error.description)
    }
    var config = ContainerConfig(
      hostname: hostname, domainname: "", user: run.user, attachStdin: options.openStdin, attachStdout: true,
      attachStderr: true, exposedPorts: imageConfig.config?.exposedPorts, tty: options.tty,
      openStdin: options.openStdin, stdinOnce: options.stdinOnce, env: run.processEnv, cmd: run.cmd,
      image: options.image, volumes: imageConfig.config?.volumes, workingDir: run.workingDir,
      entrypoint: run.entrypoint,
      labels: (imageConfig.config?.labels ?? [:]).merging(options.labels) { $1 })
    // A bare `KEY` stays in Config.Env as given (Docker keeps it there); the process never gets it.
    let bare = options.overrides.env.filter { !$0.contains("=") && !(config.env ?? []).contains($0) }
    if !bare.isEmpty { config.env = (config.env ?? []) + bare }
    config.stopSignal = options.stopSignal ?? imageConfig.config?.stopSignal
    config.stopTimeout = options.stopTimeout
    config.healthcheck =
      options.healthcheck.map { $0.merged(over: imageConfig.config?.healthcheck) }
      ?? imageConfig.config?.healthcheck
    for path in options.volumes { config.volumes = (config.volumes ?? [:]).merging([path: EmptyObject()]) { $1 } }
    if let signal = config.stopSignal, Signals.number(signal) == nil {
      throw BerthError.invalid("Invalid signal: \(signal)")
    }
    var host = options.host
    host.capAdd = try host.capAdd.map { $0.uppercased() == "ALL" ? "ALL" : try Capabilities.canonical($0) }
    host.capDrop = try host.capDrop.map { $0.uppercased() == "ALL" ? "ALL" : try Capabilities.canonical($0) }
    for opt in host.securityOpt { try SecurityOptions.validate(opt, host: &host) }
    try host.validateResources()
    try validateNetworking(&host, config: &config, hostnameGiven: options.hostname != nil)
    let mountPoints = try resolveMounts(host, imageVolumes: (config.volumes ?? [:]).keys.sorted())
    let settings = ContainerSettings(
      config: config, host: host, argv: run.argv, mountPoints: mountPoints.isEmpty ? nil : mountPoints)
    let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
    SettingsCache.remember(settings, as: json)
    let now = Timestamp.now()
    do {
      try store.write { db in
        try db.execute(
          sql: """
            INSERT INTO containers (id, name, image_id, image_name, config, state, created)
            VALUES (?, ?, ?, ?, ?, 'created', ?)
            """, arguments: [id, name, image.id.description, options.image, json, now])
        try attachVolumes(db, containerID: id, points: mountPoints)
      }
    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
      let other = try store.read { db in
        try String.fetchOne(db, sql: "SELECT id FROM containers WHERE name = ?", arguments: [name])
      }
      throw BerthError.conflict(
        "Conflict. The container name \"/\(name)\" is already in use by container \"\(other ?? "")\". You have to remove (or rename) that container to be able to reuse that name."
      )
    }
    do {
      try prepareDirectories(id: id, hostname: hostname)
    } catch {
      try? remove(id, force: true)
      throw error
    }
    Trace.mark("created")
    let created = try get(id)
    emit("create", created)
    return created
  }

  /// The lines every container's /etc/hosts starts with, as Docker writes them.
  static let baseHosts = """
    127.0.0.1\tlocalhost
    ::1\tlocalhost ip6-localhost ip6-loopback
    fe00::0\tip6-localnet
    ff00::0\tip6-mcastprefix
    ff02::1\tip6-allnodes
    ff02::2\tip6-allrouters

    """

  /// The container's directory with its writable layer and the files bind-mounted into /etc.
  /// The files are written anew at every start, so they need no fsync.
  func prepareDirectories(id: String, hostname: String) throws {
    let dir = paths.container(id)
    for sub in ["upper", "work", "rootfs"] { try FileSystem.makeDirectory(dir + "/" + sub) }
    try FileSystem.write(dir + "/hostname", Array("\(hostname)\n".utf8))
    let hosts = Self.baseHosts
    try FileSystem.write(dir + "/hosts", Array(hosts.utf8))
    try FileSystem.write(dir + "/resolv.conf", Array(ResolvConf.forContainer().utf8))
  }

  /// Every container (running first, then newest first), or only running ones.
  public func list(all: Bool = true) throws -> [ContainerRecord] {
    try store.read { db in
      try Row.fetchAll(
        db,
        sql:
          "SELECT * FROM containers \(all ? "" : "WHERE state IN ('running', 'paused', 'restarting')") ORDER BY created DESC"
      ).map { try ContainerRecord(row: $0) }
    }
  }

  /// Finds a container by full id, name, or unique id prefix.
  public func get(_ ref: String) throws -> ContainerRecord {
    let name = ref.hasPrefix("/") ? String(ref.dropFirst()) : ref
    let row = try store.read { db -> Row? in
      if let r = try Row.fetchOne(db, sql: "SELECT * FROM containers WHERE id = ? OR name = ?", arguments: [ref, name])
      {
        return r
      }
      guard !ref.isEmpty, ref.allSatisfy({ $0.isHexDigit }) else { return nil }
      let rows = try Row.fetchAll(db, sql: "SELECT * FROM containers WHERE id LIKE ?", arguments: [ref + "%"])
      if rows.count > 1 { throw BerthError.invalid("multiple IDs found with provided prefix: \(ref)") }
      return rows.first
    }
    guard let row else { throw BerthError.notFound("No such container: \(ref)") }
    return try ContainerRecord(row: row)
  }

  /// Removes a container; a running one only with force (it is killed first). With `volumes`
  /// (`rm -v`), or when it was run with `--rm`, its anonymous volumes go too.
  public func remove(_ ref: String, force: Bool, volumes: Bool = false) throws {
    let c = try get(ref)
    if c.state == .running || c.state == .paused {
      guard force else {
        // dockerd 20.10's wording (docker-py and older clients match on it).
        throw BerthError.conflict(
          c.state == .paused
            ? "You cannot remove a paused container \(c.id). Unpause and then stop the container before attempting removal or force remove"
            : "You cannot remove a running container \(c.id). Stop the container before attempting removal or force remove"
        )
      }
      if c.state == .paused { try? Cgroup(containerID: c.id).setFrozen(false) }
      // The monitor first, so that it cannot restart the container while it is being removed.
      if c.monitorPID != getpid() && Processes.isAlive(pid: c.monitorPID, startTime: c.monitorStart) {
        Glibc.kill(c.monitorPID, SIGKILL)
        _ = berth_wait_exit(c.monitorPID, 5000)
      }
      if Processes.isAlive(pid: c.pid, startTime: c.pidStart) {
        Glibc.kill(c.pid, SIGKILL)
        _ = berth_wait_exit(c.pid, 5000)
      }
    } else if c.state == .restarting {
      guard force else {
        throw BerthError.conflict(
          "You cannot remove a restarting container \(c.id). Stop the container before attempting removal or force remove"
        )
      }
      if c.monitorPID != getpid() && Processes.isAlive(pid: c.monitorPID, startTime: c.monitorStart) {
        Glibc.kill(c.monitorPID, SIGKILL)
        _ = berth_wait_exit(c.monitorPID, 5000)
      }
    }
    Cgroup(containerID: c.id).remove()
    releaseNetwork(c.id)
    try store.write { db in try db.execute(sql: "DELETE FROM containers WHERE id = ?", arguments: [c.id]) }
    Trace.mark("row deleted")
    if volumes || c.config.host.autoRemove { removeAnonymousVolumes(of: c) }
    try FileSystem.removeTree(paths.container(c.id))
    Trace.mark("directory removed")
    emit("destroy", c)
  }

  func validName(_ name: String) throws -> String {
    let n = name.hasPrefix("/") ? String(name.dropFirst()) : name
    let first = n.first ?? "-"
    let ok =
      n.count >= 2 && first.isASCII && (first.isLetter || first.isNumber)
      && n.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    guard ok else {
      throw BerthError.invalid("Invalid container name (\(name)), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
    }
    return n
  }
}

/// The resolv.conf a container gets: the host's, without loopback nameservers (which would
/// point at the container itself), falling back to public resolvers as Docker does.
enum ResolvConf {
  static func forContainer(host: String = "/etc/resolv.conf") -> String {
    let text = (try? FileSystem.read(host)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    var lines: [String] = []
    var servers = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let words = line.split(separator: " ", omittingEmptySubsequences: true)
      if words.first == "nameserver", words.count > 1 {
        let addr = words[1]
        if addr.hasPrefix("127.") || addr == "::1" { continue }
        servers += 1
      }
      lines.append(String(line))
    }
    if servers == 0 { lines += ["nameserver 8.8.8.8", "nameserver 8.8.4.4"] }
    var out = lines.joined(separator: "\n")
    if !out.hasSuffix("\n") { out += "\n" }
    return out
  }
}
