import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

/// Docker's table output: columns padded to the widest cell plus three spaces (Go's tabwriter
/// with minwidth 10? no: padding 3), header first.
struct Table {
  var rows: [[String]]

  init(header: [String]) { rows = [header] }

  mutating func append(_ row: [String]) { rows.append(row) }

  func render() -> String {
    guard let first = rows.first else { return "" }
    var widths = [Int](repeating: 0, count: first.count)
    for row in rows {
      for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
    }
    var out = ""
    for row in rows {
      var line = ""
      for (i, cell) in row.enumerated() {
        line += cell
        if i < row.count - 1 { line += String(repeating: " ", count: widths[i] - cell.count + 3) }
      }
      while line.hasSuffix(" ") { line.removeLast() }
      out += line + "\n"
    }
    return out
  }
}

/// Docker's human-readable sizes and durations (go-units).
enum Human {
  /// `HumanSizeWithPrecision(size, 3)`: decimal units, 3 significant digits ("4.26MB", "123kB").
  static func size(_ bytes: Int64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB"]
    var value = Double(bytes)
    var i = 0
    while value >= 1000 && i < units.count - 1 {
      value /= 1000
      i += 1
    }
    return goG(value, 3) + units[i]
  }

  /// Go's `%.Ng` for the values sizes take.
  static func goG(_ v: Double, _ precision: Int) -> String {
    var s = String(format: "%.\(precision)g", v)
    if s.contains("e") { s = String(format: "%.0f", v) }
    return s
  }

  /// go-units HumanDuration: "Less than a second", "3 seconds", "About a minute", "5 minutes", …
  static func duration(_ seconds: Double) -> String { HumanDuration.text(seconds) }

  /// "5 seconds ago" for an RFC 3339 time.
  static func ago(_ timestamp: String) -> String {
    guard let date = Timestamp.parse(timestamp) else { return "" }
    return duration(Date().timeIntervalSince(date)) + " ago"
  }
}

/// Writes a message to stderr, unbuffered.
func printError(_ message: String) {
  let bytes = Array(message.utf8)
  _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// Runs body for each name as `docker rm`/`rmi` do: a failure prints Docker's error line and the
/// others go on; the command exits 1 when any failed.
func forEachReportingErrors(_ names: [String], _ body: (String) throws -> Void) throws {
  var failed = false
  for name in names {
    do {
      try body(name)
    } catch let error as BerthError {
      printError("Error response from daemon: \(error.message)\n")
      failed = true
    }
  }
  if failed { throw ExitCode(1) }
}
