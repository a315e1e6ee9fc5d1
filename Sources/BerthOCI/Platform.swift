/// The platform an image runs on, as in OCI index entries and Docker manifest lists.
public struct Platform: Sendable, Hashable, Codable, CustomStringConvertible {
  /// CPU architecture in Go's naming: `amd64`, `arm64`, `arm`, `386`, `ppc64le`, `s390x`, `riscv64`.
  public var architecture: String
  /// Operating system in Go's naming, for Berth always `linux`.
  public var os: String
  /// OS version, used by Windows images.
  public var osVersion: String?
  /// Required OS features, used by Windows images.
  public var osFeatures: [String]?
  /// CPU variant, for example `v7` for `arm` or `v8` for `arm64`.
  public var variant: String?

  /// Creates a platform.
  public init(
    architecture: String, os: String, osVersion: String? = nil, osFeatures: [String]? = nil,
    variant: String? = nil
  ) {
    self.architecture = architecture
    self.os = os
    self.osVersion = osVersion
    self.osFeatures = osFeatures
    self.variant = variant
  }

  /// The `os/architecture[/variant]` form that `--platform` takes.
  public var description: String {
    variant.map { "\(os)/\(architecture)/\($0)" } ?? "\(os)/\(architecture)"
  }

  enum CodingKeys: String, CodingKey {
    case architecture
    case os
    case osVersion = "os.version"
    case osFeatures = "os.features"
    case variant
  }
}
