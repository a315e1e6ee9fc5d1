import ArgumentParser
import BerthEngine
import BerthOCI

#if canImport(Glibc)
import Glibc
#endif

/// `berth export [-o FILE] CONTAINER`.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export", abstract: "Export a container's filesystem as a tar archive")
  @Option(name: [.short, .long], help: "Write to a file, instead of STDOUT") var output: String?
  @Argument(help: "The container") var container: String

  func run() throws {
    let engine = try CLI.engine()
    guard let output else {
      if isatty(1) != 0 {
        throw BerthError.invalid("cowardly refusing to save to a terminal. Use the -o flag or redirect")
      }
      try engine.containers.export(container, to: 1)
      return
    }
    _ = try engine.containers.get(container)
    let fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw BerthError.invalid("failed to export container: open \(output): \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    try engine.containers.export(container, to: fd)
  }
}
