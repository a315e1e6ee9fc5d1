import Foundation
import GRDB

extension MetadataStore {
  /// `network create --ipv6`, `--attachable`, `--ingress`, `--scope`, endpoints' IPv6
  /// addresses, and names that are no longer unique: Docker lets a client that sends
  /// `CheckDuplicate: false` (API < 1.44) make a second network with a taken name.
  ///
  /// SQLite cannot drop a constraint, so the table is copied: the new one is made from the
  /// stored `CREATE TABLE` text without `UNIQUE` on `name`, so columns other migrations added
  /// before this one are kept as they are.
  static func registerNetworkIPv6Migration(_ m: inout DatabaseMigrator) {
    m.registerMigration("networks-ipv6net") { db in
      let create =
        try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'networks'") ?? ""
      let copy =
        create
        .replacingOccurrences(of: "name TEXT NOT NULL UNIQUE", with: "name TEXT NOT NULL")
        .replacingOccurrences(of: "CREATE TABLE networks", with: "CREATE TABLE networks_ipv6net")
      try db.execute(sql: copy)
      try db.execute(
        sql: """
          INSERT INTO networks_ipv6net SELECT * FROM networks;
          DROP TABLE networks;
          ALTER TABLE networks_ipv6net RENAME TO networks;
          CREATE INDEX networks_name ON networks(name);
          ALTER TABLE networks ADD COLUMN enable_ipv6 INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE networks ADD COLUMN subnet6 TEXT NOT NULL DEFAULT '';
          ALTER TABLE networks ADD COLUMN gateway6 TEXT NOT NULL DEFAULT '';
          ALTER TABLE networks ADD COLUMN ip_range6 TEXT NOT NULL DEFAULT '';
          ALTER TABLE networks ADD COLUMN attachable INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE networks ADD COLUMN ingress INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE networks ADD COLUMN scope TEXT NOT NULL DEFAULT 'local';
          ALTER TABLE endpoints ADD COLUMN ip6 TEXT NOT NULL DEFAULT '';
          """)
    }
  }
}
