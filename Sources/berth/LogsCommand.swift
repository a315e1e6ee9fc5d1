import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `berth logs`: a container's stdout and stderr as logged by its monitor.
struct LogsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "logs", abstract: "Fetch the logs of a container")

  @Flag(name: [.short, .long], help: "Follow log output") var follow = false
  @Option(
    name: [.customShort("n"), .customLong("tail")],
    help: "Number of lines to show from the end of the logs (or \"all\")")
  var tail = "all"
  @Option(name: .long, help: "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)")
  var since: String?
  @Option(name: .long, help: "Show logs before a timestamp or relative time") var until: String?
  @Flag(name: [.short, .long], help: "Show timestamps") var timestamps = false
  @Argument(help: "Container") var container: String

  func run() throws {
    var options = LogOptions()
    options.follow = follow
    if tail != "all" {
      guard let n = Int(tail) else { throw BerthError.invalid("invalid value for \"tail\": \(tail)") }
      options.tail = n < 0 ? nil : n
    }
    options.since = try since.map { try Self.time($0, flag: "since") }
    options.until = try until.map { try Self.time($0, flag: "until") }
    let engine = try CLI.engine()
    try engine.containers.logs(container, options: options) { entry in
      var bytes = entry.bytes
      if timestamps { bytes = Array((entry.time + " ").utf8) + bytes }
      let fd: Int32 = entry.stream == "stderr" ? 2 : 1
      bytes.withUnsafeBytes { buf in
        var done = 0
        while done < buf.count {
          let n = write(fd, buf.baseAddress! + done, buf.count - done)
          if n <= 0 { break }
          done += n
        }
      }
    }
  }

  /// Docker's time arguments: RFC 3339, a Unix timestamp, or a duration before now (`42m`, `1h30m`, `10s`).
  static func time(_ s: String, flag: String) throws -> Date {
    if let date = Timestamp.parse(s) { return date }
    if let seconds = Double(s) { return Date(timeIntervalSince1970: seconds) }
    var total = 0.0
    var number = ""
    let units: [Character: Double] = ["h": 3600, "m": 60, "s": 1]
    for ch in s {
      if ch.isNumber || ch == "." {
        number.append(ch)
      } else if let unit = units[ch], let n = Double(number) {
        total += n * unit
        number = ""
      } else {
        throw BerthError.invalid("invalid value for \"\(flag)\": failed to parse value as time or duration: \"\(s)\"")
      }
    }
    guard number.isEmpty, !s.isEmpty else {
      throw BerthError.invalid("invalid value for \"\(flag)\": failed to parse value as time or duration: \"\(s)\"")
    }
    return Date().addingTimeInterval(-total)
  }
}
