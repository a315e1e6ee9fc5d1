import BerthOCI
import BerthSystem
import CBerthSQLite
import Foundation
import GRDB

/// Berth's metadata: images, tags and containers in SQLite (`berth.db`, WAL mode).
///
/// SQLite transactions make every change atomic: a SIGKILL at any instant leaves the old state
/// or the new one. Files on disk (layers, container directories) are made before the row that
/// names them and removed after it, so a crash leaves only unreferenced files, which
/// `Recovery` removes on the next command.
public final class MetadataStore: Sendable {
  let db: DatabaseQueue

  /// Opens (and migrates) the database at path.
  public init(path: String) throws {
    var config = Configuration()
    config.busyMode = .timeout(30)
    // WAL with synchronous=NORMAL: a crash or power cut leaves the old state or the new one,
    // never a torn database; commits need no fsync. The WAL stays when a connection closes:
    // SQLite's checkpoint-on-close would otherwise cost every command four fdatasyncs (the
    // checkpoint's two, then the new WAL's header and directory on the next write), about
    // 3 ms each here. Checkpoints still run whenever the WAL passes 256 pages, which keeps the
    // WAL that each opening connection reads small.
    // One connection per process (a queue, not a pool: cheaper to open for a one-shot CLI).
    config.prepareDatabase { db in
      let rc = berth_sqlite_no_checkpoint_on_close(UnsafeMutableRawPointer(db.sqliteConnection))
      if rc != 0 { throw BerthError.internal("sqlite: keeping the WAL on close failed (\(rc))") }
      try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 256")
    }
    db = try DatabaseQueue(path: path, configuration: config)
    Trace.mark("database connection")
    try Self.migrator.migrate(db)
  }

  static var migrator: DatabaseMigrator {
    var m = DatabaseMigrator()
    m.registerMigration("v1") { db in
      try db.execute(
        sql: """
          CREATE TABLE images (
            id TEXT PRIMARY KEY NOT NULL,
            manifest TEXT NOT NULL,
            created TEXT NOT NULL,
            size INTEGER NOT NULL,
            last_tag_time TEXT
          );
          CREATE TABLE tags (
            name TEXT PRIMARY KEY NOT NULL,
            image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
          );
          CREATE INDEX tags_image ON tags(image_id);
          CREATE TABLE containers (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL UNIQUE,
            image_id TEXT NOT NULL,
            image_name TEXT NOT NULL,
            config TEXT NOT NULL,
            state TEXT NOT NULL,
            pid INTEGER NOT NULL DEFAULT 0,
            pid_start INTEGER NOT NULL DEFAULT 0,
            exit_code INTEGER NOT NULL DEFAULT 0,
            oom_killed INTEGER NOT NULL DEFAULT 0,
            error TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            started_at TEXT NOT NULL DEFAULT '0001-01-01T00:00:00Z',
            finished_at TEXT NOT NULL DEFAULT '0001-01-01T00:00:00Z'
          );
          CREATE INDEX containers_image ON containers(image_id);
          """)
    }
    // Detached containers: the monitor that owns each running container, and restart state.
    m.registerMigration("v2-monitor") { db in
      try db.execute(
        sql: """
          ALTER TABLE containers ADD COLUMN monitor_pid INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE containers ADD COLUMN monitor_start INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE containers ADD COLUMN restart_count INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE containers ADD COLUMN manual_stop INTEGER NOT NULL DEFAULT 0;
          """)
    }
    m.registerMigration("v3-health") { db in
      try db.execute(sql: "ALTER TABLE containers ADD COLUMN health TEXT NOT NULL DEFAULT ''")
    }
    // Volumes (local driver) and which containers mount them.
    m.registerMigration("volumes-v1") { db in
      try db.execute(
        sql: """
          CREATE TABLE volumes (
            name TEXT PRIMARY KEY NOT NULL,
            driver TEXT NOT NULL DEFAULT 'local',
            labels TEXT NOT NULL DEFAULT '{}',
            options TEXT NOT NULL DEFAULT '{}',
            anonymous INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL
          );
          CREATE TABLE container_volumes (
            container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
            volume TEXT NOT NULL REFERENCES volumes(name),
            destination TEXT NOT NULL,
            PRIMARY KEY (container_id, destination)
          );
          CREATE INDEX container_volumes_volume ON container_volumes(volume);
          """)
    }
    registerNetworkMigration(&m)
    registerRegistryMigration(&m)
    // `network create --ip-range` and `--aux-address`.
    m.registerMigration("networks-ipam-dockerpy") { db in
      try db.execute(
        sql: """
          ALTER TABLE networks ADD COLUMN ip_range TEXT NOT NULL DEFAULT '';
          ALTER TABLE networks ADD COLUMN aux_addresses TEXT NOT NULL DEFAULT '{}';
          """)
    }
    // The image a committed image was made from (Docker's local `Parent`).
    m.registerMigration("images-parent-dockerpy") { db in
      try db.execute(sql: "ALTER TABLE images ADD COLUMN parent TEXT NOT NULL DEFAULT ''")
    }
    registerNetworkIPv6Migration(&m)
    return m
  }

  /// Runs a read.
  public func read<T>(_ body: (Database) throws -> T) throws -> T { try db.read(body) }

  /// Runs a write in one transaction.
  public func write<T>(_ body: (Database) throws -> T) throws -> T { try db.write(body) }
}
