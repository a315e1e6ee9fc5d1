import ArgumentParser
import BerthEngine
import Foundation

/// The `berth` command: Docker's commands, daemonless.
struct Berth: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "berth",
    abstract: "A Docker-compatible container engine.",
    discussion: """
      Global options (before the command): --data-root DIR (env BERTH_DATA_ROOT, default /var/lib/berth),
      --exec-root DIR (env BERTH_EXEC_ROOT, default /run/berth).
      """,
    subcommands: [
      RunCommand.self, CreateCommand.self, StartCommand.self, PsCommand.self, RmCommand.self,
      ImportCommand.self, ImagesCommand.self, TagCommand.self, RmiCommand.self, InspectCommand.self,
      HistoryCommand.self, SaveCommand.self, LoadCommand.self, StopCommand.self, KillCommand.self,
      WaitCommand.self, RestartCommand.self, LogsCommand.self, ExecCommand.self, AttachCommand.self,
      PauseCommand.self, UnpauseCommand.self, RenameCommand.self, BuildCommand.self, VolumeCommand.self,
      DiffCommand.self, CommitCommand.self, ExportCommand.self, CpCommand.self, TopCommand.self, StatsCommand.self,
      UpdateCommand.self, ContainerCommand.self, ImageCommand.self, SystemCommand.self, MonitorCommand.self,
      ExitedCommand.self, HealthCommand.self, NetworkCommand.self, PortCommand.self, DNSCommand.self,
      NetworksCleanupCommand.self, ProxyCommand.self, DaemonCommand.self, PullCommand.self, PushCommand.self,
      LoginCommand.self, LogoutCommand.self,
    ])
}

/// Shared CLI state.
enum CLI {
  /// The exit status for a failed command: 125 for run/create/start (as Docker), 1 otherwise.
  nonisolated(unsafe) static var failureStatus: Int32 = 1

  /// Opens the engine on the roots from the environment.
  static func engine() throws -> Engine {
    let env = ProcessInfo.processInfo.environment
    return try Engine(
      dataRoot: env["BERTH_DATA_ROOT"] ?? "/var/lib/berth", execRoot: env["BERTH_EXEC_ROOT"] ?? "/run/berth")
  }
}

/// `berth container …`.
struct ContainerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "container", abstract: "Manage containers",
    subcommands: [
      RunCommand.self, CreateCommand.self, StartCommand.self, ContainerListCommand.self, RmCommand.self,
      ContainerInspectCommand.self, StopCommand.self, KillCommand.self, WaitCommand.self, RestartCommand.self,
      LogsCommand.self, ExecCommand.self, PauseCommand.self, UnpauseCommand.self, RenameCommand.self,
      ContainerPruneCommand.self, AttachCommand.self, DiffCommand.self, CommitCommand.self, ExportCommand.self,
      CpCommand.self, TopCommand.self, StatsCommand.self, UpdateCommand.self, PortCommand.self,
    ])
}

/// `berth image …`.
struct ImageCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "image", abstract: "Manage images",
    subcommands: [
      ImageListCommand.self, ImportCommand.self, TagCommand.self, ImageRmCommand.self, ImageInspectCommand.self,
      HistoryCommand.self, SaveCommand.self, LoadCommand.self, BuildCommand.self, PullCommand.self, PushCommand.self,
    ])
}
