import ArgumentParser
import BerthEngine

/// `berth top CONTAINER [ps OPTIONS]`.
struct TopCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "top", abstract: "Display the running processes of a container")
  @Argument(help: "The container") var container: String
  @Argument(parsing: .captureForPassthrough, help: "ps options") var psOptions: [String] = []

  func run() throws {
    let table = try CLI.engine().containers.top(container, psArgs: psOptions)
    print(PaddedTable.render([table.titles] + table.processes, minWidth: 20, padding: 3), terminator: "")
  }
}
