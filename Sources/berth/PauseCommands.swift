import ArgumentParser
import BerthEngine

/// `berth pause`: freeze every process of containers.
struct PauseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pause", abstract: "Pause all processes within one or more containers")
  @Argument(help: "Containers") var containers: [String]

  func run() throws {
    let engine = try CLI.engine()
    try forEachReportingErrors(containers) { name in
      try engine.containers.pause(name)
      print(name)
    }
  }
}

/// `berth unpause`.
struct UnpauseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "unpause", abstract: "Unpause all processes within one or more containers")
  @Argument(help: "Containers") var containers: [String]

  func run() throws {
    let engine = try CLI.engine()
    try forEachReportingErrors(containers) { name in
      try engine.containers.unpause(name)
      print(name)
    }
  }
}
