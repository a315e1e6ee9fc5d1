import ArgumentParser
import BerthEngine
import BerthOCI

/// `berth update [OPTIONS] CONTAINER…`: resource limits and the restart policy.
struct UpdateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "update", abstract: "Update configuration of one or more containers")
  @Option(name: [.short, .long], help: "Memory limit") var memory: String?
  @Option(name: .customLong("memory-swap"), help: "Swap limit equal to memory plus swap: -1 to enable unlimited swap")
  var memorySwap: String?
  @Option(name: .long, help: "Number of CPUs") var cpus: Double?
  @Option(name: [.short, .customLong("cpu-shares")], help: "CPU shares (relative weight)") var cpuShares: Int64?
  @Option(name: .customLong("pids-limit"), help: "Tune container pids limit (set -1 for unlimited)") var pidsLimit:
    Int64?
  @Option(name: .long, help: "Restart policy to apply when a container exits") var restart: String?
  @Argument(help: "Containers") var containers: [String]

  func run() throws {
    if memory == nil && memorySwap == nil && cpus == nil && cpuShares == nil && pidsLimit == nil && restart == nil {
      throw BerthError.invalid("you must provide one or more flags when using this command")
    }
    var options = UpdateOptions()
    if let memory {
      let bytes = try ByteSize.parse(memory, flag: "--memory")
      if bytes > 0 && bytes < 6 * 1024 * 1024 { throw BerthError.invalid("Minimum memory limit allowed is 6MB") }
      options.memory = bytes
    }
    if let memorySwap {
      options.memorySwap = memorySwap == "-1" ? -1 : try ByteSize.parse(memorySwap, flag: "--memory-swap")
    }
    if let cpus {
      guard cpus >= 0 else {
        throw BerthError.invalid("invalid argument \"\(cpus)\" for \"--cpus\" flag: range is 0.01 to ...")
      }
      options.nanoCPUs = Int64(cpus * 1e9)
    }
    options.cpuShares = cpuShares
    options.pidsLimit = pidsLimit
    options.restartPolicy = try restart.map(RestartPolicy.init(parsing:))
    let engine = try CLI.engine()
    try forEachReportingErrors(containers) { name in
      try engine.containers.update(name, options)
      print(name)
    }
  }
}
