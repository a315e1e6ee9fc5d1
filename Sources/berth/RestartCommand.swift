import ArgumentParser
import BerthEngine

/// `berth restart`: stop (if running) and start again in the background.
struct RestartCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "restart", abstract: "Restart one or more containers")

  @Option(name: [.short, .customLong("time")], help: "Seconds to wait before killing the container") var time: Int?
  @Argument(help: "Containers") var containers: [String]

  func run() throws {
    let engine = try CLI.engine()
    try forEachReportingErrors(containers) { name in
      try engine.containers.restart(name, timeout: time)
      print(name)
    }
  }
}
