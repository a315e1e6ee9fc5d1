import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

/// The options of `rmi` and `image rm`.
struct RmiOptions: ParsableArguments {
  @Flag(name: [.short, .long], help: "Force removal of the image") var force = false
  @Flag(name: .customLong("no-prune"), help: "Do not delete untagged parents") var noPrune = false
  @Argument(help: "Images") var images: [String]
}

/// `berth rmi`.
struct RmiCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "rmi", abstract: "Remove one or more images")
  @OptionGroup var options: RmiOptions
  func run() throws { try Self.remove(options) }

  static func remove(_ o: RmiOptions) throws {
    let engine = try CLI.engine()
    try forEachReportingErrors(o.images) { name in
      for line in try engine.images.remove(name, force: o.force) { print(line) }
    }
  }
}

/// `berth image rm`.
struct ImageRmCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rm", abstract: "Remove one or more images", aliases: ["remove"])
  @OptionGroup var options: RmiOptions
  func run() throws { try RmiCommand.remove(options) }
}
