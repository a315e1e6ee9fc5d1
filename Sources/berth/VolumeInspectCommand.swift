import ArgumentParser
import BerthEngine
import BerthOCI
import BerthTemplate

/// `berth volume inspect`.
struct VolumeInspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect", abstract: "Display detailed information on one or more volumes")
  @Option(name: [.short, .long], help: "Format output using a custom template") var format: String?
  @Argument(help: "Volumes") var names: [String]

  func run() throws {
    let engine = try CLI.engine()
    try InspectOptions.printDocuments(of: names, format: format) { try JSONValue(encoding: engine.volumes.inspect($0)) }
  }
}
