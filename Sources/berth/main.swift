import ArgumentParser
import BerthEngine
import BerthOCI
import BerthRuntime
import BerthSystem

#if canImport(Glibc)
import Glibc
#endif

// Global options come before the command, as with dockerd/podman: `berth --data-root X run …`.
Trace.mark("main")
var arguments = Array(CommandLine.arguments.dropFirst())
parsing: while let first = arguments.first, first.hasPrefix("--") {
  let (name, inline) =
    first.contains("=")
    ? (String(first.prefix { $0 != "=" }), String(first.drop { $0 != "=" }.dropFirst())) : (first, nil)
  // A switch, not a dictionary: the first [String: String] costs a start half a millisecond.
  let variable: String
  switch name {
  case "--data-root": variable = "BERTH_DATA_ROOT"
  case "--exec-root": variable = "BERTH_EXEC_ROOT"
  default: break parsing
  }
  arguments.removeFirst()
  guard let value = inline ?? arguments.first else {
    printError("berth: flag needs an argument: \(name)\n")
    exit(125)
  }
  if inline == nil { arguments.removeFirst() }
  setenv(variable, value, 1)
}

// The command's verb, also under `berth container …`.
let verbIndex = arguments.first == "container" ? 1 : 0
let verb = arguments.count > verbIndex ? arguments[verbIndex] : ""

// Commands that start a container begin the kernel's cgroup-migration wait now, while the rest
// of the command runs (see Cgroup+Warmup.swift).
if verb == "run" || verb == "start" || verb == "restart" || verb == "exec" {
  Cgroup.warmMigrations(for: 1)
}

// `run` and `create` parse their own flags (RunFlags.swift): ArgumentParser's reflection over
// their ~75 options would cost every `run` about 15 ms before any work starts. The daemon parses
// only its own arguments, and the helpers berth starts itself theirs without ArgumentParser:
// parsing from the root builds the argument sets of every command, and each of those asks the
// Swift runtime for protocol conformances, which scans the binary's whole conformance table
// (~10 ms of a helper's start, and megabytes of the binary touched). Help goes the usual way.
do {
  if verb == "run" || verb == "create" {
    let rest = Array(arguments[(verbIndex + 1)...])
    try verb == "run" ? RunCommand.run(rest) : CreateCommand.run(rest)
    exit(0)
  }
  if try HelperCommands.run(arguments) { exit(0) }
  var command: any ParsableCommand
  if arguments.first == "daemon", !arguments.contains(where: { ["-h", "--help", "-help", "help"].contains($0) }) {
    command = try DaemonCommand.parseAsRoot(Array(arguments.dropFirst()))
  } else {
    command = try Berth.parseAsRoot(arguments)
  }
  try command.run()
} catch let error as UsageError {
  printError(error.text)
  exit(125)
} catch let error as BerthError {
  printError("Error: \(error.message)\n")
  exit(error.exitStatus ?? CLI.failureStatus)
} catch let error as ExitCode {
  exit(error.rawValue)
} catch {
  let code = Berth.exitCode(for: error)
  if code == .success {
    print(Berth.fullMessage(for: error))
    exit(0)
  }
  let message = Berth.message(for: error)
  if error is CleanExit || message.isEmpty {
    Berth.exit(withError: error)
  }
  if code == .validationFailure {
    printError("berth: \(message)\nSee 'berth --help'.\n")
    exit(125)
  }
  printError("Error: \(message)\n")
  exit(CLI.failureStatus)
}
