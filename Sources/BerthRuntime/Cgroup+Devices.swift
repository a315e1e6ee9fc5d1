import BerthOCI
import CBerth

#if canImport(Glibc)
import Glibc
#endif

extension Cgroup {
  /// Attaches the v2 device allowlist to the cgroup directory at path: a BPF program built from
  /// `devices.allow`-style rules ("c 1:3 rwm", "c 136:* rwm", "b *:* m"); everything else is denied.
  public static func attachDeviceFilter(_ path: String, rules: [String] = RuntimeSpec.deviceAllowlist) throws {
    let parsed = try rules.map(deviceRule)
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw BerthError.internal("cgroup: open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    guard berth_attach_device_filter(fd, parsed, Int32(parsed.count)) == 0 else {
      throw BerthError.internal("cgroup: device filter for \(path): \(String(cString: strerror(errno)))")
    }
  }

  /// Checks a `devices.allow`-style rule (`c 7:128 rwm`, `a *:* rwm`) without applying it.
  public static func validateDeviceRule(_ line: String) throws { _ = try deviceRule(line) }

  /// One `devices.allow` line as the C rule.
  static func deviceRule(_ line: String) throws -> berth_device_rule {
    let fields = line.split(separator: " ")
    let numbers = fields.count == 3 ? fields[1].split(separator: ":") : []
    guard fields.count == 3, ["a", "b", "c"].contains(fields[0]), numbers.count == 2 else {
      throw BerthError.invalid("invalid device rule \(line)")
    }
    func number(_ s: Substring) throws -> Int64 {
      if s == "*" { return -1 }
      guard let n = Int64(s), n >= 0 else { throw BerthError.invalid("invalid device rule \(line)") }
      return n
    }
    var access: UInt32 = 0
    for c in fields[2] {
      switch c {
      case "m": access |= 1
      case "r": access |= 2
      case "w": access |= 4
      default: throw BerthError.invalid("invalid device rule \(line)")
      }
    }
    return berth_device_rule(
      type: CChar(fields[0].utf8.first!), major: try number(numbers[0]), minor: try number(numbers[1]),
      access: access)
  }
}
