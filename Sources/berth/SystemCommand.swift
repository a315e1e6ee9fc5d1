import ArgumentParser
import BerthEngine

/// `berth system …`.
struct SystemCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "system", abstract: "Manage Berth", subcommands: [SystemBootCommand.self])
}

/// `berth system boot`: what the systemd unit runs at boot (scripts/berth.service).
struct SystemBootCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "boot",
    abstract: "Start the containers whose restart policy (always, unless-stopped) brings them back after a reboot")

  func run() throws {
    for id in try CLI.engine().containers.startOnBoot() { print(id) }
  }
}
