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
while let first = arguments.first, first.hasPrefix("--") {
  let (name, inline) =
    first.contains("=")
    ? (String(first.prefix { $0 != "=" }), String(first.drop { $0 != "=" }.dropFirst())) : (first, nil)
  guard let variable = ["--data-root": "BERTH_DATA_ROOT", "--exec-root": "BERTH_EXEC_ROOT"][name] else { break }
  arguments.removeFirst()
  guard let value = inline ?? arguments.first else {
    printError("berth: flag needs an argument: \(name)\n")
    exit(125)
  }
  if inline == nil { arguments.removeFirst() }
  setenv(variable, value, 1)
}

// Commands that start a container begin the kernel's cgroup-migration wait now, while the rest
// of the command runs (see Cgroup+Warmup.swift).
if let verb = arguments.first == "container" ? arguments.dropFirst().first : arguments.first,
  ["run", "start", "restart", "exec"].contains(verb)
{
  Cgroup.warmMigrations(for: 1)
}

// The daemon parses only its own arguments, and the helpers berth starts itself theirs without
// ArgumentParser: parsing from the root builds the argument sets of every command, and each of
// those asks the Swift runtime for protocol conformances, which scans the binary's whole
// conformance table (~10 ms of a helper's start, and megabytes of the binary touched). Help
// goes the usual way.
do {
  if try HelperCommands.run(arguments) { exit(0) }
  var command: any ParsableCommand
  if arguments.first == "daemon", !arguments.contains(where: { ["-h", "--help", "-help", "help"].contains($0) }) {
    command = try DaemonCommand.parseAsRoot(Array(arguments.dropFirst()))
  } else {
    command = try Berth.parseAsRoot(arguments)
  }
  try command.run()
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
