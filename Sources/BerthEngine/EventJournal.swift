import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One engine event in Docker's shape (`docker events`, `GET /events`).
public struct EngineEvent: Codable, Sendable, Equatable {
  /// The actor of an event: the object's id and attributes (`name`, `image`, `exitCode`, labels…).
  public struct EventActor: Codable, Sendable, Equatable {
    public var ID: String
    public var Attributes: [String: String]
  }

  /// The legacy fields of container and image events.
  public var status: String?
  public var id: String?
  public var from: String?
  /// `container`, `image`, `network`, `volume`.
  public var `Type`: String
  /// `create`, `start`, `die`, `stop`, `destroy`, `tag`, `delete`, `connect`, …
  public var Action: String
  public var Actor: EventActor
  public var scope = "local"
  /// Seconds and nanoseconds since the epoch.
  public var time: Int64
  public var timeNano: Int64

  /// An event that happens now.
  public init(type: String, action: String, id: String, attributes: [String: String], date: Date = Date()) {
    self.Type = type
    Action = action
    self.Actor = EventActor(ID: id, Attributes: attributes)
    let nanos = Int64(date.timeIntervalSince1970 * 1_000_000_000)
    time = nanos / 1_000_000_000
    timeNano = nanos
    if type == "container" || type == "image" {
      status = action
      self.id = id
      from = type == "container" ? attributes["image"] : nil
    }
  }
}

/// The append-only events journal both the CLI and the daemon write (one JSON line per event,
/// in the exec root), so `docker events` through the daemon sees what `berth run` did too. A
/// line is written with one `write` on an `O_APPEND` descriptor, so concurrent writers never
/// interleave. When the file passes `limit` bytes it is rotated to `events.log.1`, and readers
/// that were past the new file's end start over from its beginning.
public struct EventJournal: Sendable {
  /// The journal's file.
  public let path: String
  /// The size at which the journal is rotated.
  public static let limit: Int64 = 8 << 20

  /// The journal of an exec root.
  public init(paths: Paths) { path = paths.execRoot + "/events.log" }

  /// Appends an event; errors are ignored (an event is never worth failing the action for).
  public func emit(_ event: EngineEvent) {
    guard var line = try? JSONEncoder().encode(event) else { return }
    line.append(0x0A)
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return }
    defer { close(fd) }
    var st = stat()
    if fstat(fd, &st) == 0, Int64(st.st_size) > Self.limit { rename(path, path + ".1") }
    _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
  }

  /// Appends an event of type about the object id.
  public func emit(type: String, action: String, id: String, attributes: [String: String] = [:]) {
    emit(EngineEvent(type: type, action: action, id: id, attributes: attributes))
  }

  /// The journal's current size (where a follower that wants only new events starts).
  public func end() -> Int64 {
    var st = stat()
    return stat(path, &st) == 0 ? Int64(st.st_size) : 0
  }

  /// The whole events written after offset, and the offset after them. A partial last line is
  /// left for the next read.
  public func read(from offset: Int64) -> (events: [EngineEvent], next: Int64) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return ([], 0) }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return ([], offset) }
    var start = offset
    if Int64(st.st_size) < start { start = 0 }
    let count = Int(Int64(st.st_size) - start)
    guard count > 0 else { return ([], start) }
    var bytes = [UInt8](repeating: 0, count: count)
    let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(start)) }
    guard n > 0 else { return ([], start) }
    var events: [EngineEvent] = []
    var lineStart = 0
    var consumed = 0
    for i in 0..<n where bytes[i] == 0x0A {
      if let e = try? JSONDecoder().decode(EngineEvent.self, from: Data(bytes[lineStart..<i])) { events.append(e) }
      lineStart = i + 1
      consumed = i + 1
    }
    return (events, start + Int64(consumed))
  }
}

extension ContainerService {
  /// The events journal.
  public var events: EventJournal { EventJournal(paths: paths) }

  /// Records a container event with Docker's attributes (name, image, labels, and extra).
  func emit(_ action: String, _ c: ContainerRecord, _ extra: [String: String] = [:]) {
    var attributes = c.config.config.labels ?? [:]
    attributes["name"] = c.name
    attributes["image"] = c.imageName
    attributes.merge(extra) { $1 }
    events.emit(type: "container", action: action, id: c.id, attributes: attributes)
  }

  /// Records a container event by id (nothing when the container is gone).
  func emit(_ action: String, id: String, _ extra: [String: String] = [:]) {
    guard let c = try? get(id) else { return }
    emit(action, c, extra)
  }
}
