import ArgumentParser

/// `berth volume …`.
struct VolumeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "volume", abstract: "Manage volumes",
    subcommands: [
      VolumeCreateCommand.self, VolumeListCommand.self, VolumeInspectCommand.self, VolumeRmCommand.self,
      VolumePruneCommand.self,
    ])
}
