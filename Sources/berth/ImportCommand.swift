import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

/// `berth import`.
struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import", abstract: "Import the contents from a tarball to create a filesystem image")

  @Option(name: [.short, .long], help: "Apply Dockerfile instruction to the created image") var change: [String] = []
  @Option(name: [.short, .long], help: "Set commit message for imported image") var message: String?
  @Argument(help: "file|- [REPOSITORY[:TAG]]") var source: String
  @Argument(help: "Repository and tag") var reference: String?

  func run() throws {
    let engine = try CLI.engine()
    let id = try engine.images.importArchive(path: source, reference: reference, changes: change, message: message)
    print(id)
  }
}
