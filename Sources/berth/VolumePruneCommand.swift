import ArgumentParser
import BerthEngine
import Foundation

/// `berth volume prune`.
struct VolumePruneCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "prune", abstract: "Remove unused local volumes")
  @Flag(name: [.short, .long], help: "Remove all unused volumes, not just anonymous ones") var all = false
  @Flag(name: [.short, .long], help: "Do not prompt for confirmation") var force = false

  func run() throws {
    if !force {
      let what = all ? "all local volumes" : "anonymous local volumes"
      print("WARNING! This will remove \(what) not used by at least one container.")
      print("Are you sure you want to continue? [y/N] ", terminator: "")
      fflush(nil)
      let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
      guard answer == "y" || answer == "yes" else { return }
    }
    let (names, bytes) = try CLI.engine().volumes.prune(all: all)
    if !names.isEmpty {
      print("Deleted Volumes:")
      for n in names { print(n) }
      print("")
    }
    print("Total reclaimed space: \(Human.size(bytes))")
  }
}
