/// Lowercase hexadecimal, as digests and Docker's ids are written. Cheaper than
/// `String(format: "%02x")`, whose first use costs a command a millisecond of runtime lookups.
public enum Hex {
  private static let digits = Array("0123456789abcdef".utf8)

  /// Two lowercase hex characters per byte.
  public static func string(_ bytes: some Sequence<UInt8>) -> String {
    var out: [UInt8] = []
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// 64 random hex characters: a new container, network, volume or exec id, as Docker makes them.
  public static func randomID() -> String {
    var generator = SystemRandomNumberGenerator()
    return string((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
  }
}
