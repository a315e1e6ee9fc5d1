import BerthEngine
import BerthOCI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `GET /events`: the engine's events journal, streamed as JSON lines. The journal is shared
/// with the CLI, so actions done by `berth` without the daemon show up too.
extension APIServer {
  /// The events journal of the engine's exec root.
  var events: EventJournal { engine.containers.events }

  func streamEvents(_ r: APIRequest, _ out: Responder) throws {
    let since = try r.query["since"].flatMap { try Self.eventTime($0, name: "since") }
    let until = try r.query["until"].flatMap { try Self.eventTime($0, name: "until") }
    let filters = try r.filters()
    let journal = events
    var offset: Int64 = since != nil || until != nil ? 0 : journal.end()
    out.startStream(contentType: "application/json")
    defer { _ = try? out.endStream().wait() }
    while out.channel.isActive {
      let (batch, next) = journal.read(from: offset)
      offset = next
      for e in batch {
        if let since, e.timeNano < since { continue }
        if let until, e.timeNano > until { return }
        guard Self.matches(e, filters) else { continue }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        guard let data = try? encoder.encode(e), out.write(Array(data) + [0x0A]) else { return }
      }
      if let until, Int64(Date().timeIntervalSince1970 * 1e9) > until { return }
      usleep(100_000)
    }
  }

  /// A `since`/`until` value: Unix seconds (with an optional fraction) or RFC 3339; nanoseconds.
  static func eventTime(_ text: String, name: String) throws -> Int64? {
    if text.isEmpty { return nil }
    if let seconds = Double(text) { return Int64(seconds * 1e9) }
    if let date = Timestamp.parse(text) { return Int64(date.timeIntervalSince1970 * 1e9) }
    throw BerthError.invalid("invalid value for \(name): \(text)")
  }

  /// Docker's event filters: type, event (action), container, image, network, volume, label.
  static func matches(_ e: EngineEvent, _ filters: [String: [String]]) -> Bool {
    let a = e.Actor.Attributes
    for (key, values) in filters where !values.isEmpty {
      let ok: Bool
      switch key {
      case "type": ok = values.contains(e.Type)
      case "event": ok = values.contains { e.Action == $0 || e.Action.hasPrefix($0 + ":") }
      case "container":
        ok = e.Type == "container" && values.contains { e.Actor.ID.hasPrefix($0) || a["name"] == $0 }
      case "image":
        ok = values.contains { v in
          e.Type == "image" ? e.Actor.ID.contains(v) || a["name"] == v : a["image"] == v || a["image"] == v + ":latest"
        }
      case "network":
        ok = e.Type == "network" && values.contains { e.Actor.ID.hasPrefix($0) || a["name"] == $0 }
      case "volume": ok = e.Type == "volume" && values.contains(e.Actor.ID)
      case "label":
        ok = values.allSatisfy { f in
          let kv = f.split(separator: "=", maxSplits: 1).map(String.init)
          return kv.count == 1 ? a[kv[0]] != nil : a[kv[0]] == kv[1]
        }
      case "scope": ok = values.contains("local")
      default: ok = true
      }
      if !ok { return false }
    }
    return true
  }
}
