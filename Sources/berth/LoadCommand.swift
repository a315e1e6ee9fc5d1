import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `berth load`.
struct LoadCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "load", abstract: "Load an image from a tar archive or STDIN")
  @Option(name: [.short, .long], help: "Read from tar archive file, instead of STDIN") var input: String?
  @Flag(name: [.short, .long], help: "Suppress the load output") var quiet = false

  func run() throws {
    let engine = try CLI.engine()
    if input == nil && isatty(0) != 0 {
      throw BerthError.invalid("requested load from stdin, but stdin is empty")
    }
    let lines = try engine.images.load(from: input ?? "-")
    if !quiet { for l in lines { print(l) } }
  }
}
