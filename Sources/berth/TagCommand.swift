import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

/// `berth tag`.
struct TagCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tag", abstract: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE")
  @Argument(help: "SOURCE_IMAGE[:TAG]") var source: String
  @Argument(help: "TARGET_IMAGE[:TAG]") var target: String
  func run() throws { try CLI.engine().images.tag(source, target) }
}
