import ArgumentParser
import BerthDockerfile
import BerthEngine
import BerthOCI
import BerthRuntime
import Foundation

/// The options `run` and `create` share, named as Docker names them.
struct ContainerOptions: ParsableArguments {
  @Option(name: .long, help: "Assign a name to the container") var name: String?
  @Option(name: [.short, .long], help: "Set environment variables") var env: [String] = []
  @Option(name: .customLong("env-file"), help: "Read in a file of environment variables") var envFile: [String] = []
  @Option(name: [.short, .customLong("workdir")], help: "Working directory inside the container") var workdir: String?
  @Option(name: [.short, .long], help: "Username or UID (format: <name|uid>[:<group|gid>])") var user: String?
  @Option(name: .long, help: "Overwrite the default ENTRYPOINT of the image") var entrypoint: String?
  @Option(name: [.customShort("h"), .long], help: "Container host name") var hostname: String?
  @Flag(name: [.short, .customLong("interactive")], help: "Keep STDIN open even if not attached") var interactive =
    false
  @Flag(name: [.short, .customLong("tty")], help: "Allocate a pseudo-TTY") var tty = false
  @Flag(name: .long, help: "Automatically remove the container when it exits") var rm = false
  @Option(name: [.customLong("network"), .customLong("net")], help: "Connect a container to a network")
  var network = "default"
  @Option(name: [.short, .long], help: "Memory limit") var memory: String?
  @Option(name: .customLong("memory-swap"), help: "Swap limit equal to memory plus swap: -1 for unlimited")
  var memorySwap: String?
  @Option(name: .long, help: "Number of CPUs") var cpus: Double?
  @Option(name: [.customShort("c"), .customLong("cpu-shares")], help: "CPU shares (relative weight)") var cpuShares:
    Int64?
  @Option(name: .customLong("pids-limit"), help: "Tune container pids limit (set -1 for unlimited)") var pidsLimit:
    Int64?
  @Flag(name: .customLong("read-only"), help: "Mount the container's root filesystem as read only") var readOnly = false
  @Option(name: .customLong("cap-add"), help: "Add Linux capabilities") var capAdd: [String] = []
  @Option(name: .customLong("cap-drop"), help: "Drop Linux capabilities") var capDrop: [String] = []
  @Flag(name: .long, help: "Give extended privileges to this container") var privileged = false
  @Option(name: .customLong("security-opt"), help: "Security Options") var securityOpt: [String] = []
  @Option(name: .long, help: "Ulimit options") var ulimit: [String] = []
  @Option(name: [.short, .long], help: "Set meta data on a container") var label: [String] = []
  @Option(name: .customLong("health-cmd"), help: "Command to run to check health") var healthCmd: String?
  @Option(name: .customLong("health-interval"), help: "Time between running the check (ms|s|m|h)")
  var healthInterval: String?
  @Option(name: .customLong("health-timeout"), help: "Maximum time to allow one check to run (ms|s|m|h)")
  var healthTimeout: String?
  @Option(name: .customLong("health-retries"), help: "Consecutive failures needed to report unhealthy")
  var healthRetries: Int?
  @Option(name: .customLong("health-start-period"), help: "Start period for the container to initialize (ms|s|m|h)")
  var healthStartPeriod: String?
  @Option(name: .customLong("health-start-interval"), help: "Time between checks during the start period")
  var healthStartInterval: String?
  @Flag(name: .customLong("no-healthcheck"), help: "Disable any container-specified HEALTHCHECK") var noHealthcheck =
    false
  @Flag(name: .customLong("init"), help: "Run an init inside the container that forwards signals and reaps processes")
  var initProcess = false
  @Option(
    name: .long, help: "Restart policy to apply when a container exits (no, on-failure[:N], always, unless-stopped)")
  var restart: String?
  @Option(name: .customLong("log-driver"), help: "Logging driver for the container (json-file)") var logDriver: String?
  @Option(name: .customLong("log-opt"), help: "Log driver options (max-size, max-file)") var logOpt: [String] = []
  @Option(name: .customLong("stop-signal"), help: "Signal to stop the container") var stopSignal: String?
  @Option(name: .customLong("stop-timeout"), help: "Timeout (in seconds) to stop a container") var stopTimeout: Int?
  @Option(name: .customLong("pid"), help: "PID namespace to use (host)") var pid: String?
  @Option(name: .customLong("uts"), help: "UTS namespace to use (host)") var uts: String?
  @Option(name: .customLong("cgroupns"), help: "Cgroup namespace to use (host|private)") var cgroupns: String?
  @Option(name: .customLong("isolation"), help: "Container isolation technology (default)") var isolation: String?
  @Option(name: .customLong("cpuset-cpus"), help: "CPUs in which to allow execution (0-3, 0,1)") var cpusetCpus: String?
  @Option(name: .customLong("cpuset-mems"), help: "MEMs in which to allow execution (0-3, 0,1)") var cpusetMems: String?
  @Option(name: .customLong("group-add"), help: "Add additional groups to join") var groupAdd: [String] = []
  @Option(name: .customLong("device-cgroup-rule"), help: "Add a rule to the cgroup allowed devices list")
  var deviceCgroupRule: [String] = []
  @Option(name: .customLong("memory-swappiness"), help: "Tune container memory swappiness (0 to 100)")
  var memorySwappiness: Int64?
  @OptionGroup var volumes: VolumeOptions
  @OptionGroup var networking: NetworkingFlags

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
