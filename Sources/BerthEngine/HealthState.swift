import BerthOCI

/// A container's health (Docker's `State.Health`), kept by its monitor's checks.
public struct HealthState: Codable, Sendable, Equatable {
  /// `starting`, `healthy` or `unhealthy`.
  public var status: String
  /// Consecutive failed checks.
  public var failingStreak: Int
  /// The last five checks, oldest first.
  public var log: [HealthResult]

  /// A check's outcome.
  public struct HealthResult: Codable, Sendable, Equatable {
    public var start: String
    public var end: String
    public var exitCode: Int32
    public var output: String
  }

  /// The state of a container that has just started.
  public static let starting = HealthState(status: "starting", failingStreak: 0, log: [])

  /// The state after result, for a check with retries, when the container started at
  /// startedSeconds and the check ended at nowSeconds (failures in the start period do not count).
  public func recording(_ result: HealthResult, retries: Int, inStartPeriod: Bool) -> HealthState {
    var next = self
    next.log = Array((log + [result]).suffix(5))
    if result.exitCode == 0 {
      next.status = "healthy"
      next.failingStreak = 0
    } else if !inStartPeriod || status != "starting" {
      next.failingStreak += 1
      if next.failingStreak >= retries { next.status = "unhealthy" }
    }
    return next
  }
}

extension Healthcheck {
  /// Docker's defaults: 30 s interval and timeout, 3 retries, no start period.
  static let defaultNanoseconds: Int64 = 30_000_000_000

  /// Whether the check runs at all (a test that is not empty or NONE).
  public var isEnabled: Bool {
    guard let first = test?.first else { return false }
    return first != "NONE"
  }

  /// The check's command: CMD-SHELL through /bin/sh -c, CMD as given.
  public var command: [String] {
    guard let test, let kind = test.first else { return [] }
    if kind == "CMD-SHELL" { return ["/bin/sh", "-c", test.dropFirst().joined(separator: " ")] }
    return Array(test.dropFirst())
  }

  /// The interval in nanoseconds (default when unset).
  public var effectiveInterval: Int64 { (interval ?? 0) > 0 ? interval! : Self.defaultNanoseconds }
  /// The timeout in nanoseconds.
  public var effectiveTimeout: Int64 { (timeout ?? 0) > 0 ? timeout! : Self.defaultNanoseconds }
  /// The retries.
  public var effectiveRetries: Int { (retries ?? 0) > 0 ? retries! : 3 }

  /// This check with unset fields taken from the image's, as Docker merges them.
  public func merged(over image: Healthcheck?) -> Healthcheck {
    guard let image else { return self }
    var h = self
    if (h.test ?? []).isEmpty { h.test = image.test }
    if (h.interval ?? 0) == 0 { h.interval = image.interval }
    if (h.timeout ?? 0) == 0 { h.timeout = image.timeout }
    if (h.startPeriod ?? 0) == 0 { h.startPeriod = image.startPeriod }
    if (h.startInterval ?? 0) == 0 { h.startInterval = image.startInterval }
    if (h.retries ?? 0) == 0 { h.retries = image.retries }
    return h
  }
}
