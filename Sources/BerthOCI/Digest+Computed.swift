extension Digest {
  /// A sha256 digest from a hash Berth just computed (64 lowercase hex characters, not checked).
  /// Use `init(parsing:)` for digests that come from outside.
  public init(sha256Hex hex: String) {
    self.algorithm = "sha256"
    self.hex = hex
  }
}
