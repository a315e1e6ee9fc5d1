import ArgumentParser
import BerthEngine

/// `berth wait`: block until containers stop, then print their exit codes.
struct WaitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "wait", abstract: "Block until one or more containers stop, then print their exit codes")

  @Argument(help: "Containers") var containers: [String]

  func run() throws {
    let engine = try CLI.engine()
    try forEachReportingErrors(containers) { name in
      print(try engine.containers.wait(name))
    }
  }
}
