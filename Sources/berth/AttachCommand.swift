import ArgumentParser
import BerthEngine

/// `berth attach`: this terminal's stdin, stdout and stderr to a running container.
struct AttachCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "attach", abstract: "Attach local standard input, output, and error streams to a running container")

  @Flag(name: .customLong("no-stdin"), help: "Do not attach STDIN") var noStdin = false
  @Option(name: .customLong("sig-proxy"), help: "Proxy all received signals to the process (true|false)")
  var sigProxy = "true"
  @Argument(help: "The container") var container: String

  func run() throws {
    let engine = try CLI.engine()
    guard let code = try engine.containers.attach(container, stdin: !noStdin, proxySignals: sigProxy != "false") else {
      printError("read escape sequence\n")
      return
    }
    throw ExitCode(code)
  }
}
