import ArgumentParser
import BerthEngine
import BerthOCI

#if canImport(Glibc)
import Glibc
#endif

/// `berth exec`: run a command in a running container.
struct ExecCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "exec", abstract: "Execute a command in a running container")

  @Flag(name: [.short, .long], help: "Detached mode: run command in the background") var detach = false
  @Flag(name: [.short, .long], help: "Keep STDIN open even if not attached") var interactive = false
  @Flag(name: [.short, .long], help: "Allocate a pseudo-TTY") var tty = false
  @Option(name: [.short, .long], help: "Set environment variables") var env: [String] = []
  @Option(name: .customLong("env-file"), help: "Read in a file of environment variables") var envFile: [String] = []
  @Option(name: [.short, .long], help: "Working directory inside the container") var workdir: String?
  @Option(name: [.short, .long], help: "Username or UID (format: <name|uid>[:<group|gid>])") var user: String?
  @Flag(name: .long, help: "Give extended privileges to the command") var privileged = false
  @Argument(help: "The container") var container: String
  @Argument(parsing: .captureForPassthrough, help: "Command and arguments") var command: [String] = []

  func run() throws {
    CLI.failureStatus = 126
    if interactive && tty && !detach && isatty(0) == 0 { throw BerthError.invalid("the input device is not a TTY") }
    var options = ExecOptions(command: command)
    for file in envFile { options.env += try ContainerOptions.readEnvFile(file) }
    options.env += env.compactMap(ContainerOptions.resolveEnv)
    options.workingDir = workdir
    options.user = user
    options.privileged = privileged
    options.detach = detach
    let engine = try CLI.engine()
    let stdio: StdioMode = tty && !detach ? .terminal(stdin: interactive) : .inherit(stdin: interactive)
    do {
      let code = try engine.containers.exec(container, options, stdio: stdio)
      throw ExitCode(code)
    } catch let error as BerthError where error.exitStatus == nil {
      // Errors before the command ran (no such container, not running) exit 1, as Docker's.
      printError("Error response from daemon: \(error.message)\n")
      throw ExitCode(1)
    }
  }
}
