import BerthImage
import BerthRuntime
import BerthSystem
import CBerth
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
    // Containers recorded as running whose owner (monitor, exit hook or foreground CLI) is gone:
    // a container without its monitor is killed (nobody would log or reap it), and its exit is
    // taken from the exit file when the monitor wrote one. Its cgroup is freed.
    let running = try store.read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT id, pid, pid_start, monitor_pid, monitor_start FROM containers
          WHERE state IN ('running', 'paused', 'restarting')
          """)
    }
    for row in running {
      let id: String = row["id"]
      let pid: Int32 = row["pid"]
      let start = UInt64(row["pid_start"] as Int64)
      let monitor: Int32 = row["monitor_pid"]
      if Processes.isAlive(pid: monitor, startTime: UInt64(row["monitor_start"] as Int64)) { continue }
      if Processes.isAlive(pid: pid, startTime: start) {
        kill(pid, SIGKILL)
        _ = berth_wait_exit(pid, 2000)
      }
      var code: Int32 = 137
      var finished = Timestamp.now()
      let exitFile = paths.container(id) + "/exit"
      if let bytes = try? FileSystem.read(exitFile), let exit = ExitFile(bytes) {
        (code, finished) = (exit.code, exit.finishedAt)
      }
      try store.write { db in
        try db.execute(
          sql: """
            UPDATE containers SET state = 'exited', pid = 0, pid_start = 0, exit_code = ?, finished_at = ?,
            monitor_pid = 0, monitor_start = 0 WHERE id = ? AND pid = ?
            """, arguments: [code, finished, id, pid])
      }
      Cgroup(containerID: id).remove()
    }
    // Endpoints, ports and rules of containers whose owner died without releasing them.
    let networks = NetworkService(paths: paths, store: store)
    try networks.releaseAbandoned()
    // Berth's firewall rules, when something else changed the host's rules.
    do { try networks.repairFirewallIfChanged() } catch { Trace.mark("firewall repair failed: \(error)") }
    // Container directories without a row (a create or remove that died half-way).
    let known = Set(try store.read { db in try String.fetchAll(db, sql: "SELECT id FROM containers") })
    for name in FileSystem.list(paths.containers) where !known.contains(name) {
      try? FileSystem.removeTree(paths.containers + "/" + name)
    }
    try VolumeService(paths: paths, store: store).recover()
    // Spooled imports and loads of processes that died ("<kind>-<pid>-…").
    FileSystem.removeEntriesOfDeadProcesses(in: paths.tmp, pidField: 1)
    content.removeStaleIngests()
    layers.removeStaleTemporaries()
  }
}
