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
    var values: [JSONValue] = []
    var missing: [String] = []
    for name in names {
      do {
        values.append(try JSONValue(encoding: engine.volumes.inspect(name)))
      } catch let error as BerthError where error.kind == .notFound {
        missing.append(error.message)
      }
    }
    if let format {
      print(try Format.render(format, values), terminator: "")
    } else {
      print(Format.indented(.array(values)))
    }
    if !missing.isEmpty {
      for m in missing { printError("Error: \(m)\n") }
      throw ExitCode(1)
    }
  }
}
