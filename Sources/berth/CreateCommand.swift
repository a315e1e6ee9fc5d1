import ArgumentParser
import BerthEngine
import BerthOCI

/// `berth create`: create a container without starting it; prints its id. Its flags are parsed
/// by `RunArguments.createParser` (main.swift sends `create` there directly).
struct CreateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a new container")

  @Argument(parsing: .allUnrecognized, help: "[OPTIONS] IMAGE [COMMAND] [ARG...]") var arguments: [String] = []

  func run() throws { try Self.run(arguments) }

  /// Runs `berth create` with what follows `create`.
  static func run(_ arguments: [String]) throws {
    CLI.failureStatus = 125
    let parsed = try RunArguments.parse(arguments, with: RunArguments.createParser)
    let engine = try CLI.engine()
    try parsed.pull.ensure(parsed.image, engine: engine)
    let container = try engine.containers.create(
      parsed.options.createOptions(image: parsed.image, command: parsed.command))
    print(container.id)
  }
}
