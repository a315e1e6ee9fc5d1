import BerthDockerfile
import BerthEngine
import BerthOCI
import BerthRuntime
import Foundation

/// The options `run` and `create` share, named as Docker names them. `RunFlags.swift` maps each
/// flag to its property.
struct ContainerOptions {
  var name: String?
  var env: [String] = []
  var envFile: [String] = []
  var workdir: String?
  var user: String?
  var entrypoint: String?
  var hostname: String?
  var interactive = false
  var tty = false
  var rm = false
  var network = "default"
  var memory: String?
  var memorySwap: String?
  var cpus: Double?
  var cpuShares: Int64?
  var pidsLimit: Int64?
  var readOnly = false
  var capAdd: [String] = []
  var capDrop: [String] = []
  var privileged = false
  var securityOpt: [String] = []
  var ulimit: [String] = []
  var label: [String] = []
  var healthCmd: String?
  var healthInterval: String?
  var healthTimeout: String?
  var healthRetries: Int?
  var healthStartPeriod: String?
  var healthStartInterval: String?
  var noHealthcheck = false
  var initProcess = false
  var restart: String?
  var logDriver: String?
  var logOpt: [String] = []
  var stopSignal: String?
  var stopTimeout: Int?
  var pid: String?
  var uts: String?
  var cgroupns: String?
  var isolation: String?
  var cpusetCpus: String?
  var cpusetMems: String?
  var groupAdd: [String] = []
  var deviceCgroupRule: [String] = []
  var memorySwappiness: Int64?
  var volumes = VolumeOptions()
  var networking = NetworkingFlags()

  /// The engine's create options for image and command.
  func createOptions(image: String, command: [String]) throws -> CreateOptions {
    var o = CreateOptions(image: image)
    o.name = name
    var environment: [String] = []
    for file in envFile { environment += try Self.readEnvFile(file) }
    environment += env.compactMap(Self.resolveEnv)
    o.overrides = RunOverrides(
      entrypoint: entrypoint.map { [$0] }, cmd: command, env: environment, workingDir: workdir, user: user, tty: tty)
    o.hostname = hostname
    o.tty = tty
    o.openStdin = interactive
    for l in label {
      let kv = l.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      o.labels[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
    }
    var h = HostSettings()
    h.autoRemove = rm
    h.privileged = privileged
    h.readonlyRootfs = readOnly
    h.capAdd = capAdd
    h.capDrop = capDrop
    h.securityOpt = securityOpt
    h.networkMode = network
    if let memory { h.memory = try Self.bytes(memory, flag: "--memory") }
    if let memorySwap { h.memorySwap = memorySwap == "-1" ? -1 : try Self.bytes(memorySwap, flag: "--memory-swap") }
    if h.memory > 0 && h.memory < 6 * 1024 * 1024 {
      throw BerthError.invalid("Minimum memory limit allowed is 6MB")
    }
    if let cpus {
      guard cpus > 0 else {
        throw BerthError.invalid("invalid argument \"\(cpus)\" for \"--cpus\" flag: range is 0.01 to ...")
      }
      h.nanoCPUs = Int64(cpus * 1e9)
    }
    if let cpuShares { h.cpuShares = cpuShares }
    if let pidsLimit { h.pidsLimit = pidsLimit }
    h.pidMode = pid
    h.utsMode = uts
    h.cgroupnsMode = cgroupns
    h.isolation = isolation
    h.cpusetCpus = cpusetCpus
    h.cpusetMems = cpusetMems
    h.groupAdd = groupAdd.isEmpty ? nil : groupAdd
    h.deviceCgroupRules = deviceCgroupRule.isEmpty ? nil : deviceCgroupRule
    h.memorySwappiness = memorySwappiness.flatMap { $0 < 0 ? nil : $0 }
    h.ulimits = try ulimit.map(Rlimits.parse)
    h.initProcess = initProcess ? true : nil
    h.restartPolicy = try restart.map(RestartPolicy.init(parsing:))
    if h.restartPolicy?.name == "no" { h.restartPolicy = nil }
    if h.restartPolicy != nil && rm {
      throw BerthError.invalid("Conflicting options: --restart and --rm")
    }
    if let logDriver, logDriver != "json-file" && logDriver != "none" {
      throw BerthError.invalid("logging driver \"\(logDriver)\" is not supported (only json-file and none)")
    }
    h.logDriver = logDriver == "none" ? "none" : nil
    if logDriver == "none", let opt = logOpt.first {
      throw BerthError.invalid("unknown log opt '\(opt.split(separator: "=").first ?? "")' for none log driver")
    }
    var logOptions: [String: String] = [:]
    for opt in logOpt {
      let kv = opt.split(separator: "=", maxSplits: 1).map(String.init)
      guard kv.count == 2, ["max-size", "max-file"].contains(kv[0]) else {
        throw BerthError.invalid("unknown log opt '\(kv[0])' for json-file log driver")
      }
      if kv[0] == "max-size" { _ = try ByteSize.parse(kv[1], flag: "--log-opt max-size") }
      if kv[0] == "max-file" && (Int(kv[1]) ?? 0) < 1 {
        throw BerthError.invalid("invalid value for max-file: \(kv[1])")
      }
      logOptions[kv[0]] = kv[1]
    }
    h.logOptions = logOptions.isEmpty ? nil : logOptions
    o.healthcheck = try healthcheck()
    o.stopSignal = stopSignal
    o.stopTimeout = stopTimeout
    h.networking = try networking.options()
    o.host = h
    try volumes.apply(to: &o)
    return o
  }

  /// The `--health-*` flags as a health check, or nil when none is given.
  func healthcheck() throws -> Healthcheck? {
    if noHealthcheck {
      if healthCmd != nil || healthInterval != nil || healthTimeout != nil || healthRetries != nil {
        throw BerthError.invalid("--no-healthcheck conflicts with --health-* options")
      }
      return Healthcheck(test: ["NONE"])
    }
    func duration(_ text: String?, _ flag: String) throws -> Int64? {
      guard let text else { return nil }
      guard let ns = GoDuration.nanoseconds(text), ns >= 0 else {
        throw BerthError.invalid(
          "invalid argument \"\(text)\" for \"--\(flag)\" flag: time: invalid duration \"\(text)\"")
      }
      return ns
    }
    var h = Healthcheck()
    if let healthCmd { h.test = ["CMD-SHELL", healthCmd] }
    h.interval = try duration(healthInterval, "health-interval")
    h.timeout = try duration(healthTimeout, "health-timeout")
    h.startPeriod = try duration(healthStartPeriod, "health-start-period")
    h.startInterval = try duration(healthStartInterval, "health-start-interval")
    if let healthRetries, healthRetries < 0 { throw BerthError.invalid("--health-retries cannot be negative") }
    h.retries = healthRetries
    return h == Healthcheck() ? nil : h
  }

  /// `-e KEY` takes KEY from this process's environment (dropped when unset).
  static func resolveEnv(_ entry: String) -> String? {
    if entry.contains("=") { return entry }
    return ProcessInfo.processInfo.environment[entry].map { "\(entry)=\($0)" }
  }

  /// Docker's env file: `KEY=value` lines, `KEY` alone from the environment, `#` comments.
  static func readEnvFile(_ path: String) throws -> [String] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw BerthError.invalid("open \(path): no such file or directory")
    }
    return text.split(separator: "\n").compactMap { raw in
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { return nil }
      return resolveEnv(line)
    }
  }

  /// Docker's RAMInBytes: `512m`, `1g`, `1024` (binary units).
  static func bytes(_ s: String, flag: String) throws -> Int64 { try ByteSize.parse(s, flag: flag) }
}
