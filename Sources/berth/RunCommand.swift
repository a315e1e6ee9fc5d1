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
  @Flag(name: [.short, .customLong("detach")], help: "Run container in background (not supported yet)")
  var detach = false
  @Argument(help: "The image to run") var image: String
  @Argument(parsing: .captureForPassthrough, help: "Command and arguments") var command: [String] = []

  func run() throws {
    CLI.failureStatus = 125
    if detach {
      throw BerthError.invalid("detached mode (-d) is not supported yet: run in the foreground")
    }
    if options.interactive && options.tty && isatty(0) == 0 {
      throw BerthError.invalid("the input device is not a TTY")
    }
    let engine = try CLI.engine()
    let container = try engine.containers.create(options.createOptions(image: image, command: command))
    let stdio: StdioMode = options.tty ? .terminal(stdin: options.interactive) : .inherit(stdin: options.interactive)
    let code = try engine.containers.run(container.id, stdio: stdio)
    throw ExitCode(code)
  }
}
