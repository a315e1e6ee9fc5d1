import ArgumentParser
import BerthEngine
import BerthOCI

#if canImport(Glibc)
import Glibc
#endif

/// `berth run`: create and start a container in the foreground. Its flags are parsed by
/// `RunArguments.runParser`, not by ArgumentParser (main.swift sends `run` there directly).
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Create and run a new container from an image")

  @Argument(parsing: .allUnrecognized, help: "[OPTIONS] IMAGE [COMMAND] [ARG...]") var arguments: [String] = []

  func run() throws { try Self.run(arguments) }

  /// Runs `berth run` with what follows `run`.
  static func run(_ arguments: [String]) throws {
    CLI.failureStatus = 125
    let parsed = try RunArguments.parse(arguments, with: RunArguments.runParser)
    let (options, detach) = (parsed.options, parsed.detach)
    if detach && options.rm && options.restart != nil {
      throw BerthError.invalid("Conflicting options: --restart and --rm")
    }
    if !detach && options.interactive && options.tty && isatty(0) == 0 {
      throw BerthError.invalid("the input device is not a TTY")
    }
    let engine = try CLI.engine()
    try parsed.pull.ensure(parsed.image, engine: engine)
    var createOptions = try options.createOptions(image: parsed.image, command: parsed.command)
    createOptions.stdinOnce = options.interactive && !detach
    let container = try engine.containers.create(createOptions)
    if detach {
      do {
        try engine.containers.startDetached(container.id)
      } catch {
        if options.rm { try? engine.containers.remove(container.id, force: true) }
        throw error
      }
      print(container.id)
      return
    }
    let stdio: StdioMode = options.tty ? .terminal(stdin: options.interactive) : .inherit(stdin: options.interactive)
    let code = try engine.containers.run(container.id, stdio: stdio)
    // Exits with the engine still open: its teardown (closing the database) buys nothing at exit
    // and costs the run half a millisecond. Every change is already committed.
    Glibc.exit(code)
  }
}
