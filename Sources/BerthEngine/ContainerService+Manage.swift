import BerthOCI
import BerthRuntime
import BerthSystem
import Foundation
import GRDB

/// pause, unpause, rename, prune.
extension ContainerService {
  /// Freezes every process of a running container (cgroup freezer).
  public func pause(_ ref: String) throws {
    let c = try get(ref)
    if c.state == .paused { throw BerthError.conflict("Container \(c.id) is already paused") }
    guard c.state == .running, Processes.isAlive(pid: c.pid, startTime: c.pidStart) else {
      throw BerthError.conflict("Container \(c.id) is not running")
    }
    try Cgroup(containerID: c.id).setFrozen(true)
    try setState(c.id, .paused)
    emit("pause", c)
  }

  /// Thaws a paused container.
  public func unpause(_ ref: String) throws {
    let c = try get(ref)
    guard c.state == .paused else { throw BerthError.conflict("Container \(c.id) is not paused") }
    try Cgroup(containerID: c.id).setFrozen(false)
    try setState(c.id, .running)
    emit("unpause", c)
  }

  /// Gives a container a new name.
  public func rename(_ ref: String, to newName: String) throws {
    let c = try get(ref)
    let name = try validName(newName)
    if name == c.name {
      throw BerthError.invalid("Renaming a container with the same name as its current name")
    }
    do {
      try store.write { db in
        try db.execute(sql: "UPDATE containers SET name = ? WHERE id = ?", arguments: [name, c.id])
      }
      emit("rename", id: c.id, ["oldName": "/" + c.name])
    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
      let other = try store.read { db in
        try String.fetchOne(db, sql: "SELECT id FROM containers WHERE name = ?", arguments: [name])
      }
      throw BerthError.conflict(
        "Conflict. The container name \"/\(name)\" is already in use by container \"\(other ?? "")\". You have to remove (or rename) that container to be able to reuse that name."
      )
    }
    try networks.renamed(c.id, from: c.name, to: name)
  }

  /// Removes every stopped container; returns the removed ids and the space their writable
  /// layers used.
  public func prune() throws -> (ids: [String], reclaimed: Int64) {
    var ids: [String] = []
    var reclaimed: Int64 = 0
    for c in try list(all: true) where c.state == .exited || c.state == .created || c.state == .dead {
      let size = FileSystem.diskUsage(paths.container(c.id) + "/upper")
      do {
        try remove(c.id, force: false)
        ids.append(c.id)
        reclaimed += size
      } catch let error as BerthError where error.kind == .conflict {
        continue  // started meanwhile
      }
    }
    return (ids, reclaimed)
  }

  func setState(_ id: String, _ state: ContainerState) throws {
    try store.write { db in
      try db.execute(sql: "UPDATE containers SET state = ? WHERE id = ?", arguments: [state.rawValue, id])
    }
  }
}
