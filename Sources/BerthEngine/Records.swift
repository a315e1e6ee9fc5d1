import BerthOCI
import Foundation
import GRDB

/// An image as stored: its id (the config digest), manifest digest, creation time and size.
public struct ImageRecord: Sendable, Equatable {
  /// `sha256:…` of the config, Docker's image id.
  public var id: Digest
  /// Digest of the manifest blob.
  public var manifest: Digest
  /// Creation time from the config (RFC 3339).
  public var created: String
  /// Unpacked size of all layers in bytes.
  public var size: Int64
  /// Full tag names pointing at it, as `docker.io/library/busybox:latest`.
  public var tags: [String]

  init(row: Row, tags: [String]) throws {
    id = try Digest(parsing: row["id"])
    manifest = try Digest(parsing: row["manifest"])
    created = row["created"]
    size = row["size"]
    self.tags = tags
  }
}

/// A container's lifecycle state, as Docker names it.
public enum ContainerState: String, Sendable, Codable {
  case created, running, paused, restarting, removing, exited, dead
}

/// A container as stored.
public struct ContainerRecord: Sendable {
  /// 64 hex characters.
  public var id: String
  /// Name without the leading slash.
  public var name: String
  /// The image's id.
  public var imageID: Digest
  /// The image as the user named it (what `ps` shows).
  public var imageName: String
  /// Everything the container was created with.
  public var config: ContainerSettings
  /// Lifecycle state.
  public var state: ContainerState
  /// Host pid of the init while running.
  public var pid: Int32
  /// Start time of pid (clock ticks since boot), to tell it from a reused pid.
  public var pidStart: UInt64
  /// Exit code of the last run.
  public var exitCode: Int32
  /// Whether the OOM killer ended the last run.
  public var oomKilled: Bool
  /// Why the last start failed, if it did.
  public var error: String
  /// The process that owns the running container (its monitor, or the foreground CLI) and its
  /// start time; 0 when none.
  public var monitorPID: Int32
  public var monitorStart: UInt64
  /// How many times the restart policy restarted it.
  public var restartCount: Int
  /// Whether the user stopped it (so no restart policy brings it back).
  public var manuallyStopped: Bool
  /// Its health when it has a health check (`starting` until the first check).
  public var health: HealthState?
  /// RFC 3339 times.
  public var created: String
  public var startedAt: String
  public var finishedAt: String

  init(row: Row) throws {
    id = row["id"]
    name = row["name"]
    imageID = try Digest(parsing: row["image_id"])
    imageName = row["image_name"]
    config = try SettingsCache.decode(row["config"])
    state = ContainerState(rawValue: row["state"]) ?? .dead
    pid = row["pid"]
    pidStart = UInt64(row["pid_start"] as Int64)
    exitCode = row["exit_code"]
    oomKilled = row["oom_killed"]
    error = row["error"]
    monitorPID = row["monitor_pid"]
    monitorStart = UInt64(row["monitor_start"] as Int64)
    restartCount = row["restart_count"]
    manuallyStopped = row["manual_stop"]
    if config.config.healthcheck?.isEnabled == true {
      let json: String = row["health"]
      health = (try? JSONDecoder().decode(HealthState.self, from: Data(json.utf8))) ?? .starting
    }
    created = row["created"]
    startedAt = row["started_at"]
    finishedAt = row["finished_at"]
  }

  /// The 12-character short id.
  public var shortID: String { String(id.prefix(12)) }
}
