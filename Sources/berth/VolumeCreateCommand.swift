import ArgumentParser
import BerthEngine
import BerthOCI

/// `berth volume create`.
struct VolumeCreateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a volume")
  @Option(name: [.short, .long], help: "Specify volume driver name (local)") var driver = "local"
  @Option(name: .long, help: "Set metadata for a volume") var label: [String] = []
  @Option(name: [.short, .customLong("opt")], help: "Set driver specific options (none for local)") var opt: [String] =
    []
  @Argument(help: "Volume name (random when omitted)") var name: String?

  func run() throws {
    guard driver == "local" else { throw BerthError.notFound("plugin \"\(driver)\" not found") }
    if let first = opt.first { throw BerthError.invalid("invalid option key: \"\(first)\"") }
    var labels: [String: String] = [:]
    for l in label {
      let kv = l.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      labels[kv[0]] = kv.count > 1 ? kv[1] : ""
    }
    let volume = try CLI.engine().volumes.create(name: name, labels: labels)
    print(volume.name)
  }
}
