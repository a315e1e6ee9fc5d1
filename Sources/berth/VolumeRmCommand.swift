import ArgumentParser
import BerthEngine
import BerthOCI

/// `berth volume rm`.
struct VolumeRmCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rm", abstract: "Remove one or more volumes", aliases: ["remove"])
  @Flag(name: [.short, .long], help: "Force the removal of one or more volumes") var force = false
  @Argument(help: "Volumes") var names: [String]

  func run() throws {
    let engine = try CLI.engine()
    var failed = false
    for name in names {
      do {
        try engine.volumes.remove(name, force: force)
        print(name)
      } catch let error as BerthError {
        // As the docker CLI: "No such volume" is its own error, the rest come from the daemon.
        printError(
          error.kind == .notFound ? "Error: \(error.message)\n" : "Error response from daemon: \(error.message)\n")
        failed = true
      }
    }
    if failed { throw ExitCode(1) }
  }
}
