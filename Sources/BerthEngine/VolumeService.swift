import BerthOCI
import BerthSystem
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// A volume as stored (local driver only).
public struct VolumeRecord: Sendable, Equatable {
  /// The name: given, or 64 random hex characters.
  public var name: String
  /// Always `local`.
  public var driver: String
  /// `--label`.
  public var labels: [String: String]
  /// Driver options (none for the local driver as Berth has it).
  public var options: [String: String]
  /// Made for one container (`-v /path`, an image's VOLUME) rather than by name.
  public var anonymous: Bool
  /// RFC 3339.
  public var created: String
  /// The host directory the container sees: `<data-root>/volumes/<name>/_data`.
  public var mountpoint: String
  /// Ids of the containers that mount it (running or not).
  public var users: [String]
}

/// `docker volume inspect` output, in Docker's key order.
public struct VolumeInspect: Encodable, Sendable {
  public var CreatedAt: String
  public var Driver: String
  public var Labels: [String: String]?
  public var Mountpoint: String
  public var Name: String
  public var Options: [String: String]?
  public var Scope: String
}

/// Volumes: create, list, inspect, remove, prune.
///
/// Crash safety: a volume's directory is made inside the transaction that inserts its row (so it
/// exists before the row is visible) and removed after the row is deleted; a crash in between
/// leaves only a directory without a row, which `Recovery` removes under the write lock.
public final class VolumeService: Sendable {
  let paths: Paths
  let store: MetadataStore

  init(paths: Paths, store: MetadataStore) {
    self.paths = paths
    self.store = store
  }

  /// The directory of a volume (`volumes/<name>`), which holds `_data`.
  func directory(_ name: String) -> String { paths.volumes + "/" + name }

  /// The host path containers mount.
  public func dataPath(_ name: String) -> String { directory(name) + "/_data" }

  /// Creates a volume; creating an existing one returns it. Without a name it gets a random
  /// 64-hex one and is anonymous (`volume prune` removes it without `--all`), as in Docker 23+.
  @discardableResult
  public func create(name: String? = nil, labels: [String: String] = [:]) throws -> VolumeRecord {
    let anonymous = name == nil
    let name = name ?? Self.randomName()
    try Self.validate(name)
    try store.db.inTransaction(.immediate) { db in
      try insert(db, name: name, labels: labels, anonymous: anonymous)
      return .commit
    }
    EventJournal(paths: paths).emit(type: "volume", action: "create", id: name, attributes: ["driver": "local"])
    return try get(name)
  }

  /// Inserts a volume row (unless it exists) and makes its directory, inside db's transaction.
  func insert(_ db: Database, name: String, labels: [String: String], anonymous: Bool) throws {
    let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM volumes WHERE name = ?", arguments: [name]) ?? false
    if exists { return }
    let json = String(decoding: try JSONEncoder().encode(labels), as: UTF8.self)
    try db.execute(
      sql: "INSERT INTO volumes (name, labels, anonymous, created) VALUES (?, ?, ?, ?)",
      arguments: [name, json, anonymous, Timestamp.now()])
    try FileSystem.makeDirectory(paths.volumes, mode: 0o701)
    try FileSystem.makeDirectory(directory(name), mode: 0o701)
    try FileSystem.makeDirectory(dataPath(name), mode: 0o755)
  }

  /// Every volume, sorted by name.
  public func list() throws -> [VolumeRecord] {
    try store.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM volumes ORDER BY name").map { try record($0, db) }
    }
  }

  /// A volume by name.
  public func get(_ name: String) throws -> VolumeRecord {
    let found = try store.read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM volumes WHERE name = ?", arguments: [name]).map { try record($0, db) }
    }
    guard let found else { throw BerthError.notFound("No such volume: \(name)") }
    return found
  }

  func record(_ row: Row, _ db: Database) throws -> VolumeRecord {
    let name: String = row["name"]
    let labels: String = row["labels"]
    let options: String = row["options"]
    let users = try String.fetchAll(
      db, sql: "SELECT DISTINCT container_id FROM container_volumes WHERE volume = ? ORDER BY container_id",
      arguments: [name])
    return VolumeRecord(
      name: name, driver: row["driver"],
      labels: (try? JSONDecoder().decode([String: String].self, from: Data(labels.utf8))) ?? [:],
      options: (try? JSONDecoder().decode([String: String].self, from: Data(options.utf8))) ?? [:],
      anonymous: row["anonymous"], created: row["created"], mountpoint: dataPath(name), users: users)
  }

  /// Docker's inspect document.
  public func inspect(_ name: String) throws -> VolumeInspect {
    let v = try get(name)
    let created = v.created.split(separator: ".").first.map { String($0) + (v.created.hasSuffix("Z") ? "Z" : "") }
    return VolumeInspect(
      CreatedAt: created ?? v.created, Driver: v.driver, Labels: v.anonymous && v.labels.isEmpty ? nil : v.labels,
      Mountpoint: v.mountpoint, Name: v.name, Options: v.anonymous && v.options.isEmpty ? nil : v.options,
      Scope: "local")
  }

  /// Removes a volume. One that any container mounts (running or not) cannot be removed, with
  /// or without force; force only makes a missing volume no error.
  public func remove(_ name: String, force: Bool) throws {
    var removed = false
    try store.db.inTransaction(.immediate) { db in
      guard try Bool.fetchOne(db, sql: "SELECT 1 FROM volumes WHERE name = ?", arguments: [name]) ?? false else {
        return .rollback
      }
      let users = try String.fetchAll(
        db, sql: "SELECT DISTINCT container_id FROM container_volumes WHERE volume = ? ORDER BY container_id",
        arguments: [name])
      if !users.isEmpty {
        throw BerthError.conflict("remove \(name): volume is in use - [\(users.joined(separator: " "))]")
      }
      try db.execute(sql: "DELETE FROM volumes WHERE name = ?", arguments: [name])
      removed = true
      return .commit
    }
    guard removed else {
      if force { return }
      throw BerthError.notFound("No such volume: \(name)")
    }
    try FileSystem.removeTree(directory(name))
    EventJournal(paths: paths).emit(type: "volume", action: "destroy", id: name, attributes: ["driver": "local"])
  }

  /// Removes unused volumes: anonymous ones, or all with `all`. Returns the names removed and
  /// the bytes freed.
  public func prune(all: Bool) throws -> (names: [String], reclaimed: Int64) {
    let candidates = try store.read { db in
      try String.fetchAll(
        db,
        sql: """
          SELECT name FROM volumes WHERE name NOT IN (SELECT volume FROM container_volumes)
          \(all ? "" : "AND anonymous = 1") ORDER BY name
          """)
    }
    var removed: [String] = []
    var bytes: Int64 = 0
    for name in candidates {
      let size = FileSystem.diskUsage(dataPath(name))
      do {
        try remove(name, force: true)
        removed.append(name)
        bytes += size
      } catch let error as BerthError where error.kind == .conflict {
        continue  // a container started using it meanwhile
      }
    }
    return (removed, bytes)
  }

  /// What recovery does for volumes: unmounts the copy-up mounts of processes that died (their
  /// directories are then removed with the other leftovers in tmp) and removes orphans.
  func recover() throws {
    for name in FileSystem.list(paths.tmp) where name.hasPrefix("volcopy-") {
      let fields = name.split(separator: "-")
      guard fields.count > 1, let pid = Int32(fields[1]), pid > 0 else { continue }
      if kill(pid, 0) == 0 || errno == EPERM { continue }
      try? Mounts.unmount(paths.tmp + "/" + name + "/merged")
    }
    try removeOrphans()
  }

  /// Removes volume directories that have no row (a create or remove that died half-way). The
  /// check runs under the write lock, so a create in progress (directory made, row not yet
  /// committed) is never mistaken for an orphan.
  func removeOrphans() throws {
    let names = FileSystem.list(paths.volumes)
    guard !names.isEmpty else { return }
    let known = Set(try store.read { db in try String.fetchAll(db, sql: "SELECT name FROM volumes") })
    guard names.contains(where: { !known.contains($0) }) else { return }
    try store.db.inTransaction(.immediate) { db in
      let known = Set(try String.fetchAll(db, sql: "SELECT name FROM volumes"))
      for name in FileSystem.list(paths.volumes) where !known.contains(name) {
        try? FileSystem.removeTree(directory(name))
      }
      return .commit
    }
  }

  /// Docker's rule for local volume names.
  static func validate(_ name: String) throws {
    let first = name.first ?? "-"
    let ok =
      name.count >= 2 && first.isASCII && (first.isLetter || first.isNumber)
      && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    guard ok else {
      throw BerthError.invalid(
        "create \(name): \"\(name)\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path"
      )
    }
  }

  /// 64 random hex characters, as Docker names anonymous volumes.
  static func randomName() -> String {
    Hex.randomID()
  }
}
