import BerthOCI

/// Docker's restart policy: `no`, `on-failure[:N]`, `always`, `unless-stopped`.
public struct RestartPolicy: Codable, Sendable, Equatable {
  /// The policy's name as Docker spells it.
  public var name: String
  /// For `on-failure`: the most restarts (0 = unlimited).
  public var maximumRetryCount: Int

  /// Parses `--restart`.
  public init(parsing s: String) throws {
    let parts = s.split(separator: ":", maxSplits: 1).map(String.init)
    name = parts.first ?? ""
    maximumRetryCount = 0
    switch name {
    case "no", "always", "unless-stopped":
      if parts.count > 1 {
        throw BerthError.invalid(
          "invalid restart policy format: maximum retry count can only be used with 'on-failure'")
      }
    case "on-failure":
      if parts.count > 1 {
        guard let n = Int(parts[1]), n >= 0 else {
          throw BerthError.invalid("invalid restart policy format: maximum retry count must be an integer")
        }
        maximumRetryCount = n
      }
    default:
      throw BerthError.invalid("invalid restart policy format: unknown policy '\(s)'")
    }
  }

  /// Whether a container that exited with code after restarts restarts, and it was not stopped by the user.
  public func restarts(exitCode code: Int32, restartCount: Int, manuallyStopped: Bool) -> Bool {
    if manuallyStopped { return false }
    switch name {
    case "always", "unless-stopped": return true
    case "on-failure": return code != 0 && (maximumRetryCount == 0 || restartCount < maximumRetryCount)
    default: return false
    }
  }

  /// Docker's back-off before restart number `count + 1`: 100 ms doubling up to a minute, back to
  /// 100 ms when the last run lasted at least 10 seconds.
  public static func delay(restartCount count: Int, lastRunSeconds: Double) -> Double {
    if lastRunSeconds >= 10 { return 0.1 }
    return min(60, 0.1 * Double(1 << min(count, 10)))
  }
}
