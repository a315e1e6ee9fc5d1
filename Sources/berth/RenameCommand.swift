import ArgumentParser
import BerthEngine

/// `berth rename OLD NEW`.
struct RenameCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "rename", abstract: "Rename a container")
  @Argument(help: "The container") var container: String
  @Argument(help: "Its new name") var newName: String

  func run() throws {
    try CLI.engine().containers.rename(container, to: newName)
  }
}
