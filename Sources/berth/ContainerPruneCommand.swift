import ArgumentParser
import BerthEngine
import Foundation

/// `berth container prune`: remove every stopped container.
struct ContainerPruneCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "prune", abstract: "Remove all stopped containers")
  @Flag(name: [.short, .long], help: "Do not prompt for confirmation") var force = false

  func run() throws {
    if !force {
      print(
        "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ", terminator: "")
      fflush(nil)
      guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else { return }
    }
    let (ids, reclaimed) = try CLI.engine().containers.prune()
    if !ids.isEmpty { print("Deleted Containers:\n" + ids.joined(separator: "\n") + "\n") }
    print("Total reclaimed space: \(Human.size(reclaimed))")
  }
}
