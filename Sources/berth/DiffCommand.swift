import ArgumentParser
import BerthEngine

/// `berth diff CONTAINER`.
struct DiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff", abstract: "Inspect changes to files or directories on a container's filesystem")
  @Argument(help: "The container") var container: String

  func run() throws {
    var out = ""
    for change in try CLI.engine().containers.diff(container) { out += "\(change.kind.symbol) \(change.path)\n" }
    print(out, terminator: "")
  }
}
