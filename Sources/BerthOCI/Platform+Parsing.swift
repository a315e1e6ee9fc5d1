extension Platform {
  /// The platform Berth pulls by default: `linux/amd64`, as Docker does on this machine.
  public static let defaultPlatform = Platform(architecture: "amd64", os: "linux")

  /// Parses `--platform`'s `os[/architecture[/variant]]` form, normalising architecture aliases
  /// the way containerd's `platforms.Normalize` does (`x86_64` → `amd64`, `aarch64` → `arm64`).
  public init(parsing string: String) throws(BerthError) {
    let parts = string.lowercased().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
      throw BerthError.invalid("\"\(string)\": invalid platform: expected os[/arch[/variant]]")
    }
    var architecture = parts.count > 1 ? parts[1] : "amd64"
    var variant = parts.count > 2 ? parts[2] : nil
    switch architecture {
    case "x86_64", "x86-64": architecture = "amd64"
    case "aarch64":
      architecture = "arm64"
    case "armhf":
      architecture = "arm"
      variant = variant ?? "v7"
    case "i386": architecture = "386"
    default: break
    }
    if architecture == "arm64", variant == "v8" { variant = nil }
    self.init(architecture: architecture, os: parts[0], variant: variant)
  }

  /// Whether an index entry's platform satisfies this one (variant compared only when asked for;
  /// `arm64` without a variant matches `arm64/v8`).
  public func matches(_ candidate: Platform) -> Bool {
    guard candidate.os == os, candidate.architecture == architecture else { return false }
    guard let variant else { return true }
    return candidate.variant == variant || (architecture == "arm64" && variant == "v8" && candidate.variant == nil)
  }
}
