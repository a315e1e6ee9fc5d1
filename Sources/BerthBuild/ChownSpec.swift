import BerthOCI

/// `COPY --chown=user[:group]` resolved as Docker's builder does: names are looked up in the
/// image's /etc/passwd and /etc/group, numbers are used as they are, and without `:group` the
/// user part is also the group (`--chown=app` means `app:app`).
public enum ChownSpec {
  /// The uid and gid of spec, with the image's passwd and group files (nil when absent).
  public static func resolve(_ spec: String, passwd: String?, group: String?) throws -> (uid: UInt32, gid: UInt32) {
    let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard parts.count <= 2, let userPart = parts.first, !userPart.isEmpty else {
      throw BerthError.invalid("invalid chown string format: \(spec)")
    }
    let groupPart = parts.count == 2 ? parts[1] : userPart
    guard let uid = lookup(userPart, in: passwd) else {
      throw BerthError.invalid("can't find uid for user \(userPart): no such user: \(userPart)")
    }
    guard let gid = lookup(groupPart, in: group) else {
      throw BerthError.invalid("can't find gid for group \(groupPart): no such group: \(groupPart)")
    }
    return (uid, gid)
  }

  /// A number, or the id (third field) of the entry named `name`.
  static func lookup(_ name: String, in file: String?) -> UInt32? {
    if let n = UInt32(name) { return n }
    for line in (file ?? "").split(separator: "\n") {
      let fields = line.split(separator: ":", omittingEmptySubsequences: false)
      if fields.count > 2, fields[0] == name, let id = UInt32(fields[2]) { return id }
    }
    return nil
  }

  /// `--chmod` as an octal mode (`0755`, `644`).
  public static func mode(_ chmod: String) throws -> UInt32 {
    guard let mode = UInt32(chmod, radix: 8), mode <= 0o7777 else {
      throw BerthError.invalid("invalid chmod parameter: \(chmod)")
    }
    return mode
  }
}
