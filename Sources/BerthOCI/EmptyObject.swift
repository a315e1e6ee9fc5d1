/// A JSON `{}`: Docker uses `map[string]struct{}` for sets such as `ExposedPorts` and `Volumes`.
public struct EmptyObject: Sendable, Hashable, Codable {
  /// Creates the empty object.
  public init() {}

  private struct NoKeys: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  /// Decodes any JSON object, ignoring its members.
  public init(from decoder: any Decoder) throws {
    _ = try decoder.container(keyedBy: NoKeys.self)
  }

  /// Encodes `{}`.
  public func encode(to encoder: any Encoder) throws {
    _ = encoder.container(keyedBy: NoKeys.self)
  }
}
