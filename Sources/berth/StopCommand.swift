import ArgumentParser
import BerthEngine

/// `berth stop`: the stop signal, then SIGKILL after the timeout.
struct StopCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop one or more running containers")

  @Option(name: [.short, .customLong("time")], help: "Seconds to wait before killing the container") var time: Int?
  @Argument(help: "Containers") var containers: [String]

  func run() throws {
    let engine = try CLI.engine()
    try forEachReportingErrors(containers) { name in
      try engine.containers.stop(name, timeout: time)
      print(name)
    }
  }
}
