import ArgumentParser
import BerthEngine
import BerthOCI
import BerthSystem

/// `berth kill`: send a signal (SIGKILL by default) to running containers.
struct KillCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "kill", abstract: "Kill one or more running containers")

  @Option(name: [.short, .long], help: "Signal to send to the container") var signal = "KILL"
  @Argument(help: "Containers") var containers: [String]

  func run() throws {
    guard let number = Signals.number(signal) else { throw BerthError.invalid("Invalid signal: \(signal)") }
    let engine = try CLI.engine()
    try forEachReportingErrors(containers) { name in
      try engine.containers.kill(name, signal: number)
      print(name)
    }
  }
}
