import ArgumentParser
import BerthEngine

/// `berth commit [-a] [-m] [-c] [--pause] CONTAINER [REPOSITORY[:TAG]]`.
struct CommitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "commit", abstract: "Create a new image from a container's changes")
  @Option(name: [.short, .long], help: "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")")
  var author: String?
  @Option(name: [.short, .long], help: "Apply Dockerfile instruction to the created image") var change: [String] = []
  @Option(name: [.short, .long], help: "Commit message") var message: String?
  @Option(name: [.short, .long], help: "Pause container during commit") var pause: Bool = true
  @Argument(help: "The container") var container: String
  @Argument(help: "Repository and tag") var reference: String?

  func run() throws {
    var options = CommitOptions()
    options.author = author
    options.message = message
    options.changes = change
    options.pause = pause
    options.reference = reference
    print(try CLI.engine().containers.commit(container, options))
  }
}
