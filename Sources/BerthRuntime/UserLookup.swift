import BerthOCI
import Foundation

/// Resolves Docker's `--user name|uid[:group|gid]` against the image's /etc/passwd and /etc/group,
/// as runc does: names must exist, numbers need not; the primary group defaults to the passwd
/// entry's (0 for an unknown uid); supplementary groups are every group listing the user.
public enum UserLookup {
  /// The result: ids, supplementary groups and the home directory (for `HOME`).
  public struct Resolved: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    public var additionalGids: [UInt32]
    public var home: String
  }

  /// Resolves user (empty = root) with the contents of passwd and group (nil when absent).
  public static func resolve(_ user: String, passwd: String?, group: String?) throws -> Resolved {
    let parts = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let userPart = parts.first ?? ""
    let groupPart = parts.count > 1 ? parts[1] : nil
    let users = parse(passwd ?? "")
    let groups = parse(group ?? "")

    var uid: UInt32 = 0
    var gid: UInt32 = 0
    var home = "/"
    var name: String?
    if userPart.isEmpty {
      if let root = users.first(where: { $0.count > 2 && $0[2] == "0" }) {
        name = root[0]
        gid = UInt32(root[3]) ?? 0
        home = root.count > 5 ? root[5] : "/"
      }
    } else if let entry = users.first(where: { $0.count > 3 && ($0[0] == userPart || $0[2] == userPart) }) {
      name = entry[0]
      uid = UInt32(entry[2]) ?? 0
      gid = UInt32(entry[3]) ?? 0
      home = entry.count > 5 ? entry[5] : "/"
    } else if let n = UInt32(userPart) {
      uid = n
    } else {
      throw BerthError.invalid("unable to find user \(userPart): no matching entries in passwd file")
    }

    var additional: [UInt32] = []
    if let groupPart {
      if let entry = groups.first(where: { $0.count > 2 && ($0[0] == groupPart || $0[2] == groupPart) }) {
        gid = UInt32(entry[2]) ?? 0
      } else if let n = UInt32(groupPart) {
        gid = n
      } else {
        throw BerthError.invalid("unable to find group \(groupPart): no matching entries in group file")
      }
    } else if let name {
      for entry in groups where entry.count > 3 {
        let members = entry[3].split(separator: ",").map(String.init)
        if members.contains(name), let g = UInt32(entry[2]), g != gid, !additional.contains(g) {
          additional.append(g)
        }
      }
    }
    return Resolved(uid: uid, gid: gid, additionalGids: additional, home: home.isEmpty ? "/" : home)
  }

  /// Colon-separated entries, comments and blank lines skipped.
  static func parse(_ text: String) -> [[String]] {
    text.split(separator: "\n").compactMap { line in
      // Trimmed by hand: Foundation's trimmingCharacters bridges through NSString, which costs
      // every `run` half a millisecond the first time.
      var t = line
      while t.first == " " || t.first == "\t" { t.removeFirst() }
      while t.last == " " || t.last == "\t" { t.removeLast() }
      if t.isEmpty || t.hasPrefix("#") { return nil }
      return t.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    }
  }
}
