import Foundation
import Synchronization

/// The containers' settings this process has decoded or encoded, by their JSON. A record is read
/// several times in one command (a `run` reads it at create, start, exit and removal), and the
/// first JSON decode of a process is its most expensive: the Swift runtime instantiates the
/// metadata of every nested Codable type, each by a scan of all the binary's conformance
/// records. With the settings `create` encoded kept here, a `run` decodes none. The stored
/// JSON is the key, so a changed configuration (`update`) is simply a new entry.
enum SettingsCache {
  /// Enough for the containers one command or a busy daemon touches; the cache is emptied when
  /// it would grow past it.
  static let capacity = 64
  private static let entries = Mutex<[String: ContainerSettings]>([:])

  /// The settings stored as json.
  static func decode(_ json: String) throws -> ContainerSettings {
    if let cached = entries.withLock({ $0[json] }) { return cached }
    let settings = try JSONDecoder().decode(ContainerSettings.self, from: Data(json.utf8))
    remember(settings, as: json)
    return settings
  }

  /// Records that json is the encoding of settings.
  static func remember(_ settings: ContainerSettings, as json: String) {
    entries.withLock {
      if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
      $0[json] = settings
    }
  }
}
