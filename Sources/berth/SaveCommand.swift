import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `berth save`.
struct SaveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "save", abstract: "Save one or more images to a tar archive (streamed to STDOUT by default)")
  @Option(name: [.short, .long], help: "Write to a file, instead of STDOUT") var output: String?
  @Option(name: .long, help: "Archive format: docker (default) or oci") var format = "docker"
  @Argument(help: "Images") var images: [String]

  func run() throws {
    let kind: ArchiveFormat
    switch format {
    case "docker": kind = .docker
    case "oci": kind = .oci
    default: throw BerthError.invalid("unknown format \"\(format)\": use docker or oci")
    }
    let engine = try CLI.engine()
    guard let output else {
      if isatty(1) != 0 {
        throw BerthError.invalid("cowardly refusing to save to a terminal. Use the -o flag or redirect")
      }
      try engine.images.save(images, format: kind, to: 1)
      return
    }
    let tmp = output + ".tmp-\(getpid())"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw BerthError.invalid("failed to save image: open \(output): \(String(cString: strerror(errno)))")
    }
    do {
      try engine.images.save(images, format: kind, to: fd)
      close(fd)
      rename(tmp, output)
    } catch {
      close(fd)
      unlink(tmp)
      throw error
    }
  }
}
