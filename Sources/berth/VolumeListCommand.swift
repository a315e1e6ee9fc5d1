import ArgumentParser
import BerthEngine
import BerthOCI

/// `berth volume ls`.
struct VolumeListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "ls", abstract: "List volumes", aliases: ["list"])
  @Flag(name: [.short, .long], help: "Only display volume names") var quiet = false
  @Option(name: [.short, .long], help: "Provide filter values (dangling=true|false, name=…, label=…)")
  var filter: [String] = []

  func run() throws {
    var volumes = try CLI.engine().volumes.list()
    for f in filter {
      let kv = f.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      guard kv.count == 2 else { throw BerthError.invalid("bad format of filter (expected name=value)") }
      let value = kv[1]
      switch kv[0] {
      case "dangling":
        guard ["true", "1", "false", "0"].contains(value) else {
          throw BerthError.invalid("invalid filter 'dangling=\(value)'")
        }
        let dangling = value == "true" || value == "1"
        volumes = volumes.filter { $0.users.isEmpty == dangling }
      case "name":
        volumes = volumes.filter { $0.name.contains(value) }
      case "label":
        let label = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        volumes = volumes.filter { v in
          guard let have = v.labels[label[0]] else { return false }
          return label.count == 1 || have == label[1]
        }
      case "driver":
        volumes = volumes.filter { $0.driver == value }
      default:
        throw BerthError.invalid("invalid filter '\(kv[0])'")
      }
    }
    if quiet {
      for v in volumes { print(v.name) }
      return
    }
    // The docker CLI's tabwriter: minimum cell width 10, padding 3.
    let width = max(10, (volumes.map(\.driver.count) + ["DRIVER".count]).max().map { $0 + 3 } ?? 10)
    func pad(_ s: String) -> String { s + String(repeating: " ", count: width - s.count) }
    print(pad("DRIVER") + "VOLUME NAME")
    for v in volumes { print(pad(v.driver) + v.name) }
  }
}
