import BerthOCI
import BerthRuntime
import BerthSystem
import Foundation

/// What `docker top` shows: the `ps` columns and one row per process of the container.
public struct ProcessTable: Sendable {
  /// Column titles, as `ps` printed them.
  public var titles: [String]
  /// One row per process, a cell per title (the last one holds the rest of the line).
  public var processes: [[String]]
}

extension ContainerService {
  /// `docker top`: runs the host's `ps` with the given options (Docker's default `-ef`) and keeps
  /// the rows of the container's processes (those in its cgroup). `ps` is executed directly,
  /// never through a shell.
  public func top(_ ref: String, psArgs: [String] = []) throws -> ProcessTable {
    let c = try get(ref)
    guard c.state == .running || c.state == .paused, Processes.isAlive(pid: c.pid, startTime: c.pidStart) else {
      throw BerthError.conflict("Container \(c.id) is not running")
    }
    let pids = Set(Cgroup(containerID: c.id).pids())
    let args = psArgs.isEmpty ? ["-ef"] : psArgs
    let pidList = pids.map(String.init).sorted().joined(separator: ",")
    var output = try Self.runPS(args + ["-q", pidList])
    if output == nil { output = try Self.runPS(args) }  // some options (f) cannot go with -q
    guard let text = output else { throw BerthError.internal("ps \(args.joined(separator: " ")) failed") }
    return try Self.parsePS(text, pids: pids)
  }

  /// Keeps the lines of ps output whose PID column is one of pids (Docker's parsePSOutput).
  static func parsePS(_ text: String, pids: Set<Int32>) throws -> ProcessTable {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
    guard let header = lines.first else { throw BerthError.internal("ps printed nothing") }
    let titles = header.split(separator: " ").map(String.init)
    guard let pidIndex = titles.firstIndex(of: "PID") else {
      throw BerthError.invalid("Couldn't find PID field in ps output")
    }
    var rows: [[String]] = []
    for line in lines.dropFirst() {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      guard fields.count > pidIndex, let pid = Int32(fields[pidIndex]), pids.contains(pid) else { continue }
      var row = Array(fields.prefix(titles.count - 1))
      if fields.count >= titles.count { row.append(fields[(titles.count - 1)...].joined(separator: " ")) }
      rows.append(row)
    }
    return ProcessTable(titles: titles, processes: rows)
  }

  private static func runPS(_ args: [String]) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: FileSystem.exists("/usr/bin/ps") ? "/usr/bin/ps" : "/bin/ps")
    process.arguments = args
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch { throw BerthError.internal("ps: \(error)") }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
  }
}
