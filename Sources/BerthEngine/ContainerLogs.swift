import BerthOCI
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One logged message of a container.
public struct LogEntry: Sendable {
  /// `stdout` or `stderr`.
  public var stream: String
  /// When the monitor read it (RFC 3339 with nanoseconds).
  public var time: String
  /// The bytes, with their newline when the line was complete.
  public var bytes: [UInt8]
}

/// What `logs` shows.
public struct LogOptions: Sendable {
  /// Keep reading until the container stops (`-f`).
  public var follow = false
  /// Only the last n entries (`--tail`); nil = all.
  public var tail: Int?
  /// Only entries at or after / before these times (`--since`, `--until`).
  public var since: Date?
  public var until: Date?

  /// All entries, no follow.
  public init() {}
}

extension ContainerService {
  /// Reads a container's json-file log (rotated files first), calling emit for each entry that
  /// options select; with follow, keeps going until the container is no longer running.
  public func logs(_ ref: String, options: LogOptions, emit: (LogEntry) -> Void) throws {
    let c = try get(ref)
    if let driver = c.config.host.logDriver, driver != "json-file" {
      throw BerthError.invalid("configured logging driver does not support reading")
    }
    let path = logPath(c.id)
    let files = Int(c.config.host.logOptions?["max-file"] ?? "1") ?? 1
    var entries: [LogEntry] = []
    for i in stride(from: files - 1, through: 1, by: -1) {
      if let bytes = try? FileSystem.read("\(path).\(i)") { entries += Self.parseLog(bytes[...]).entries }
    }
    var reader = LogFileReader(path: path)
    entries += reader.readNew()
    let selected = entries.filter { options.selects($0) }
    for e in options.tail.map({ Array(selected.suffix(max(0, $0))) }) ?? selected { emit(e) }
    guard options.follow else { return }
    while true {
      let running = (try? get(c.id)).map { [.running, .paused, .restarting].contains($0.state) } ?? false
      for e in reader.readNew() where options.selects(e) { emit(e) }
      if !running { return }
      if let until = options.until, Date() > until { return }
      usleep(50_000)
    }
  }

  /// Parses json-file lines; returns the entries and how many bytes were whole lines.
  static func parseLog(_ bytes: ArraySlice<UInt8>) -> (entries: [LogEntry], consumed: Int) {
    struct Line: Decodable {
      let log: String
      let stream: String
      let time: String
    }
    var entries: [LogEntry] = []
    var start = bytes.startIndex
    let decoder = JSONDecoder()
    while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
      if let line = try? decoder.decode(Line.self, from: Data(bytes[start..<newline])) {
        entries.append(LogEntry(stream: line.stream, time: line.time, bytes: Array(line.log.utf8)))
      }
      start = newline + 1
    }
    return (entries, start - bytes.startIndex)
  }
}

extension LogOptions {
  func selects(_ e: LogEntry) -> Bool {
    guard since != nil || until != nil else { return true }
    guard let t = Timestamp.parse(e.time) else { return true }
    if let since, t < since { return false }
    if let until, t > until { return false }
    return true
  }
}

/// Reads a growing log file incrementally, starting over when it was rotated.
struct LogFileReader {
  let path: String
  var offset = 0
  var inode: UInt64 = 0

  init(path: String) { self.path = path }

  /// The whole lines written since the last call.
  mutating func readNew() -> [LogEntry] {
    var st = stat()
    guard stat(path, &st) == 0 else { return [] }
    if UInt64(st.st_ino) != inode || Int(st.st_size) < offset {
      inode = UInt64(st.st_ino)
      offset = 0
    }
    guard Int(st.st_size) > offset else { return [] }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return [] }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: Int(st.st_size) - offset)
    let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
    guard n > 0 else { return [] }
    let (entries, consumed) = ContainerService.parseLog(bytes[0..<n])
    offset += consumed
    return entries
  }
}
