/// An optional value that encodes as JSON `null` when absent, where Docker's documents have the
/// key with `null` (Swift's synthesized encoding leaves a nil optional out).
public struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
  /// The value, or nil for `null`.
  public var value: Value?

  /// Wraps value (nil: `null`).
  public init(_ value: Value? = nil) { self.value = value }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    if let value { try c.encode(value) } else { try c.encodeNil() }
  }
}
