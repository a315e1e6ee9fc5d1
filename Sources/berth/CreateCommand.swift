import ArgumentParser
import BerthEngine
import BerthOCI

#if canImport(Glibc)
import Glibc
#endif

/// `berth create`: create a container without starting it; prints its id.
struct CreateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a new container")

  @OptionGroup var options: ContainerOptions
  @OptionGroup var pullOptions: PullOptions
  @Argument(help: "The image") var image: String
  @Argument(parsing: .captureForPassthrough, help: "Command and arguments") var command: [String] = []

  func run() throws {
    CLI.failureStatus = 125
    let engine = try CLI.engine()
    try pullOptions.ensure(image, engine: engine)
    let container = try engine.containers.create(options.createOptions(image: image, command: command))
    print(container.id)
  }
}
