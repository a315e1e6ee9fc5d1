import ArgumentParser
import BerthEngine
import BerthOCI

#if canImport(Glibc)
import Glibc
#endif

/// `berth run`: create and start a container in the foreground.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Create and run a new container from an image")

  @OptionGroup var options: ContainerOptions
  @OptionGroup var pullOptions: PullOptions
  @Flag(name: [.short, .customLong("detach")], help: "Run container in background and print container ID")
  var detach = false
  @Argument(help: "The image to run") var image: String
  @Argument(parsing: .captureForPassthrough, help: "Command and arguments") var command: [String] = []

  func run() throws {
    CLI.failureStatus = 125
    if detach && options.rm && options.restart != nil {
      throw BerthError.invalid("Conflicting options: --restart and --rm")
    }
    if !detach && options.interactive && options.tty && isatty(0) == 0 {
      throw BerthError.invalid("the input device is not a TTY")
    }
    let engine = try CLI.engine()
    try pullOptions.ensure(image, engine: engine)
    var createOptions = try options.createOptions(image: image, command: command)
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
    throw ExitCode(code)
  }
}
