import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

/// `berth rm`.
struct RmCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove one or more containers")

  @Flag(name: [.short, .long], help: "Force the removal of a running container (uses SIGKILL)") var force = false
  @Flag(name: [.short, .long], help: "Remove anonymous volumes associated with the container") var volumes = false
  @Argument(help: "Containers") var containers: [String]

  func run() throws {
    let engine = try CLI.engine()
    try forEachReportingErrors(containers) { name in
      try engine.containers.remove(name, force: force, volumes: volumes)
      print(name)
    }
  }
}
