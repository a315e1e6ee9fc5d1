import BerthImage
import BerthRuntime
import BerthSystem
import Foundation
import GRDB

/// Repairs what a berth process killed mid-way left behind. Cheap enough to run on every command:
/// one query, a /proc lookup per running container and a listing of a few directories.
struct Recovery {
  let paths: Paths
  let store: MetadataStore
  let content: ContentStore
  let layers: LayerStore

  func run() throws {
    // Containers recorded as running whose process is gone: mark them exited, free their cgroup.
    let running = try store.read { db in
      try Row.fetchAll(db, sql: "SELECT id, pid, pid_start FROM containers WHERE state IN ('running', 'paused')")
    }
    for row in running {
      let id: String = row["id"]
      let pid: Int32 = row["pid"]
      let start = UInt64(row["pid_start"] as Int64)
      if Processes.isAlive(pid: pid, startTime: start) { continue }
      try store.write { db in
        try db.execute(
          sql: """
            UPDATE containers SET state = 'exited', pid = 0, exit_code = 137, finished_at = ?
            WHERE id = ? AND pid = ?
            """, arguments: [Timestamp.now(), id, pid])
      }
      Cgroup(containerID: id).remove()
    }
    // Container directories without a row (a create or remove that died half-way).
    let known = Set(try store.read { db in try String.fetchAll(db, sql: "SELECT id FROM containers") })
    for name in FileSystem.list(paths.containers) where !known.contains(name) {
      try? FileSystem.removeTree(paths.containers + "/" + name)
    }
    // Spooled imports and loads of processes that died ("<kind>-<pid>-…").
    FileSystem.removeEntriesOfDeadProcesses(in: paths.tmp, pidField: 1)
    content.removeStaleIngests()
    layers.removeStaleTemporaries()
  }
}
