import ArgumentParser
import BerthEngine
import BerthOCI
import BerthSystem
import BerthTemplate
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `berth stats [--all] [--no-stream] [--no-trunc] [--format] [CONTAINER…]`.
struct StatsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stats", abstract: "Display a live stream of container(s) resource usage statistics")
  @Flag(name: [.short, .long], help: "Show all containers (default shows just running)") var all = false
  @Flag(name: .customLong("no-stream"), help: "Disable streaming stats and only pull the first result")
  var noStream = false
  @Flag(name: .customLong("no-trunc"), help: "Do not truncate output") var noTrunc = false
  @Option(name: .long, help: "Pretty-print stats using a Go template") var format: String?
  @Argument(help: "Containers") var containers: [String] = []

  /// Docker's default `stats` template.
  static let defaultFormat =
    "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}"
  static let headers = [
    "ID": "CONTAINER ID", "Container": "CONTAINER", "Name": "NAME", "CPUPerc": "CPU %", "MemUsage": "MEM USAGE / LIMIT",
    "MemPerc": "MEM %", "NetIO": "NET I/O", "BlockIO": "BLOCK I/O", "PIDs": "PIDS",
  ]

  func run() throws {
    let engine = try CLI.engine()
    for name in containers { _ = try engine.containers.get(name) }
    var previous: [String: ContainerStats] = [:]
    func sample() throws -> [ContainerStats] {
      let ids =
        containers.isEmpty
        ? try engine.containers.list(all: all).map(\.id) : containers
      return ids.compactMap { try? engine.containers.stats($0) }
    }
    for s in try sample() { previous[s.id] = s }
    while true {
      usleep(noStream ? 500_000 : 1_000_000)
      let current = try sample()
      let text = try render(current, previous: previous)
      if noStream {
        print(text, terminator: "")
        return
      }
      // Written straight to fd 1: each frame appears whole, without stdio buffering.
      try FileSystem.writeAll(1, Array(("\u{1b}[2J\u{1b}[H" + text).utf8))
      previous = [:]
      for s in current { previous[s.id] = s }
    }
  }

  func render(_ stats: [ContainerStats], previous: [String: ContainerStats]) throws -> String {
    var template = format ?? Self.defaultFormat
    let isTable = template.hasPrefix("table")
    if isTable { template = String(template.dropFirst(5)).trimmingCharacters(in: .whitespaces) }
    template = template.replacingOccurrences(of: "\\t", with: "\t")
    let values = stats.map { s -> JSONValue in
      let id = noTrunc ? s.id : String(s.id.prefix(12))
      let fields: [(key: String, value: JSONValue)] = [
        ("ID", .string(id)), ("Container", .string(id)), ("Name", .string(s.name)),
        ("CPUPerc", .string(String(format: "%.2f%%", s.cpuPercent(since: previous[s.id])))),
        ("MemUsage", .string(Self.binary(s.memoryUsage) + " / " + Self.binary(s.memoryLimit))),
        ("MemPerc", .string(String(format: "%.2f%%", s.memoryPercent))),
        ("NetIO", .string(Self.decimal(s.networkReceived) + " / " + Self.decimal(s.networkSent))),
        ("BlockIO", .string(Self.decimal(s.blockRead) + " / " + Self.decimal(s.blockWritten))),
        ("PIDs", .string("\(s.pids)")),
      ]
      return .object(fields)
    }
    let body = values.isEmpty ? "" : try Format.render(template, values)
    guard isTable else { return body }
    var header = template
    for (field, title) in Self.headers { header = header.replacingOccurrences(of: "{{.\(field)}}", with: title) }
    let lines = [header] + body.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    return PaddedTable.render(lines.map { $0.components(separatedBy: "\t") }, minWidth: 10, padding: 3)
  }

  /// go-units `BytesSize`: binary units, `%.4g` ("1.5MiB", "64MiB").
  static func binary(_ bytes: UInt64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    var value = Double(bytes)
    var i = 0
    while value >= 1024 && i < units.count - 1 {
      value /= 1024
      i += 1
    }
    return Human.goG(value, 4) + units[i]
  }

  /// go-units `HumanSizeWithPrecision(n, 3)`.
  static func decimal(_ bytes: UInt64) -> String { Human.size(Int64(clamping: bytes)) }
}
