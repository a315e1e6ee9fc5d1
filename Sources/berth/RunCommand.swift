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

/// `berth create`: create a container without starting it; prints its id.
struct CreateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a new container")

  @OptionGroup var options: ContainerOptions
  @Argument(help: "The image") var image: String
  @Argument(parsing: .captureForPassthrough, help: "Command and arguments") var command: [String] = []

  func run() throws {
    CLI.failureStatus = 125
    let engine = try CLI.engine()
    let container = try engine.containers.create(options.createOptions(image: image, command: command))
    print(container.id)
  }
}

/// `berth start`: start created or stopped containers; `-a` attaches and returns the exit code.
struct StartCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "start", abstract: "Start one or more stopped containers")

  @Flag(name: [.short, .long], help: "Attach STDOUT/STDERR and forward signals") var attach = false
  @Flag(name: [.short, .long], help: "Attach container's STDIN") var interactive = false
  @Argument(help: "Containers") var containers: [String]

  func run() throws {
    CLI.failureStatus = 1
    let engine = try CLI.engine()
    guard attach || interactive else {
      throw BerthError.invalid(
        "starting a container in the background needs the container monitor (not supported yet): use start -a")
    }
    guard containers.count == 1 else {
      throw BerthError.invalid("you cannot start and attach multiple containers at once")
    }
    let c = try engine.containers.get(containers[0])
    let tty = c.config.config.tty ?? false
    let stdin = interactive && (c.config.config.openStdin ?? false)
    let code = try engine.containers.run(c.id, stdio: tty ? .terminal(stdin: stdin) : .inherit(stdin: stdin))
    throw ExitCode(code)
  }
}
