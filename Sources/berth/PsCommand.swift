import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

/// `berth ps` / `berth container ls`.
struct PsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "ps", abstract: "List containers")

  @OptionGroup var options: PsOptions

  func run() throws { try Self.list(options) }

  /// Prints the containers options select.
  static func list(_ options: PsOptions) throws {
    let (all, quiet, noTrunc, filter) = (options.all, options.quiet, options.noTrunc, options.filter)
    let engine = try CLI.engine()
    var containers = try engine.containers.list(all: all || filter.contains { $0.hasPrefix("status=") })
    for f in filter {
      let kv = f.split(separator: "=", maxSplits: 1).map(String.init)
      guard kv.count == 2 else { throw BerthError.invalid("bad format of filter (expected name=value)") }
      switch kv[0] {
      case "name": containers = containers.filter { $0.name.contains(kv[1]) }
      case "id": containers = containers.filter { $0.id.hasPrefix(kv[1]) }
      case "status":
        let valid = ["created", "restarting", "running", "removing", "paused", "exited", "dead"]
        guard valid.contains(kv[1]) else {
          throw BerthError.invalid("invalid filter 'status=\(kv[1])'")
        }
        containers = containers.filter { $0.state.rawValue == kv[1] }
      default: throw BerthError.invalid("invalid filter '\(kv[0])'")
      }
    }
    if quiet {
      for c in containers { print(noTrunc ? c.id : c.shortID) }
      return
    }
    var table = Table(header: ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"])
    for c in containers {
      var command = c.config.argv.joined(separator: " ")
      if !noTrunc && command.count > 20 { command = String(command.prefix(19)) + "…" }
      table.append([
        noTrunc ? c.id : c.shortID, c.imageName, "\"\(command)\"", Human.ago(c.created), Self.status(c),
        engine.containers.portsColumn(c), c.name,
      ])
    }
    print(table.render(), terminator: "")
  }

  /// Docker's STATUS column.
  static func status(_ c: ContainerRecord) -> String {
    switch c.state {
    case .created: return "Created"
    case .running:
      guard let started = Timestamp.parse(c.startedAt) else { return "Up" }
      let health = c.health.map { $0.status == "starting" ? " (health: starting)" : " (\($0.status))" } ?? ""
      return "Up " + Human.duration(Date().timeIntervalSince(started)) + health
    case .paused:
      guard let started = Timestamp.parse(c.startedAt) else { return "Up (Paused)" }
      return "Up " + Human.duration(Date().timeIntervalSince(started)) + " (Paused)"
    case .exited: return "Exited (\(c.exitCode)) " + Human.ago(c.finishedAt)
    case .restarting: return "Restarting (\(c.exitCode)) " + Human.ago(c.finishedAt)
    case .removing: return "Removal In Progress"
    case .dead: return "Dead"
    }
  }
}

/// `berth container ls`.
struct ContainerListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ls", abstract: "List containers", aliases: ["list", "ps"])
  @OptionGroup var options: PsOptions
  func run() throws { try PsCommand.list(options) }
}

/// The options of `ps` and `container ls`.
struct PsOptions: ParsableArguments {
  @Flag(name: [.short, .long], help: "Show all containers (default shows just running)") var all = false
  @Flag(name: [.short, .long], help: "Only display container IDs") var quiet = false
  @Flag(name: .customLong("no-trunc"), help: "Don't truncate output") var noTrunc = false
  @Option(name: [.short, .long], help: "Filter output based on conditions provided (name=, id=, status=)")
  var filter: [String] = []
}
