import BerthOCI
import BerthRuntime
import BerthSystem
import Foundation

/// `--security-opt`: `no-new-privileges[:true|false]`, `seccomp=unconfined|FILE`, `label=…`,
/// `apparmor=…` (accepted; this host has neither SELinux nor AppArmor enforcing).
enum SecurityOptions {
  static func validate(_ opt: String, host: inout HostSettings) throws {
    let kv = opt.split(separator: "=", maxSplits: 1).map(String.init)
    let sep = opt.contains("=") ? "=" : ":"
    let parts = sep == "=" ? kv : opt.split(separator: ":", maxSplits: 1).map(String.init)
    switch parts[0] {
    case "no-new-privileges":
      if parts.count > 1 && !["true", "false"].contains(parts[1]) {
        throw BerthError.invalid("invalid --security-opt 2: \"\(opt)\"")
      }
    case "seccomp":
      guard parts.count == 2 else { throw BerthError.invalid("invalid --security-opt: \"\(opt)\"") }
      if parts[1] != "unconfined" && host.seccompProfile == nil {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(parts[1]) } catch {
          throw BerthError.invalid("opening seccomp profile (\(parts[1])) failed: \(error)")
        }
        do {
          host.seccompProfile = try JSONDecoder().decode(SeccompProfile.self, from: Data(bytes))
        } catch {
          throw BerthError.invalid("decoding seccomp profile failed: \(error)")
        }
      }
    case "label", "apparmor", "systempaths":
      break
    default:
      throw BerthError.invalid("invalid --security-opt 2: \"\(opt)\"")
    }
  }

  static func noNewPrivileges(_ host: HostSettings) -> Bool {
    host.securityOpt.contains {
      $0 == "no-new-privileges" || $0 == "no-new-privileges:true" || $0 == "no-new-privileges=true"
    }
  }

  static func seccompUnconfined(_ host: HostSettings) -> Bool {
    host.securityOpt.contains { $0 == "seccomp=unconfined" || $0 == "seccomp:unconfined" }
  }
}
