import Testing

@testable import BerthOCI

private let hex64 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

private let hex96 = String(repeating: "ab", count: 48)
private let hex128 = String(repeating: "0f", count: 64)
private let upperHex64 = hex64.uppercased()
private let badHex64 = String(hex64.dropLast()) + "g"
private let shortHex = String(hex64.dropLast(2))
private let longHex = hex64 + "00"

private let validDigestCases: [(String, String, String, String)] = [
  ("sha256:\(hex64)", "sha256", hex64, "9f86d081884c"),
  ("sha384:\(hex96)", "sha384", hex96, "abababababab"),
  ("sha512:\(hex128)", "sha512", hex128, "0f0f0f0f0f0f"),
]

@Test("valid digests", arguments: validDigestCases)
func validDigest(input: String, algorithm: String, hex: String, shortID: String) throws {
  let digest = try Digest(parsing: input)
  #expect(digest.algorithm == algorithm)
  #expect(digest.hex == hex)
  #expect(digest.shortID == shortID)
  #expect(digest.description == input)
  #expect(try Digest(algorithm: algorithm, hex: hex) == digest)
}

private let invalidDigestCases: [(String, DigestError)] = [
  ("", .invalidFormat),
  ("sha256", .invalidFormat),
  ("sha256:", .invalidFormat),
  (":\(hex64)", .invalidFormat),
  ("sha256:\(upperHex64)", .invalidFormat),
  ("sha256:\(badHex64)", .invalidFormat),
  ("sha256:\(shortHex)", .invalidLength),
  ("sha256:\(longHex)", .invalidLength),
  ("sha512:\(hex64)", .invalidLength),
  ("md5:d41d8cd98f00b204e9800998ecf8427e", .unsupported),
  ("MD5:d41d8cd98f00b204e9800998ecf8427e", .invalidFormat),
  ("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", .unsupported),
]

@Test("invalid digests", arguments: invalidDigestCases)
func invalidDigest(input: String, error: DigestError) {
  #expect(throws: error) { try Digest(parsing: input) }
}

@Test func digestMessagesAreGoDigests() {
  #expect(DigestError.invalidFormat.description == "invalid checksum digest format")
  #expect(DigestError.invalidLength.description == "invalid checksum digest length")
  #expect(DigestError.unsupported.description == "unsupported digest algorithm")
}

@Test func digestCodesAsString() throws {
  let digest = try Digest(parsing: "sha256:\(hex64)")
  let json = "[\"sha256:\(hex64)\"]"
  #expect(try JSONValueRoundTrip.encode([digest]) == json)
  #expect(try JSONValueRoundTrip.decode([Digest].self, json) == [digest])
  #expect(throws: DecodingError.self) { try JSONValueRoundTrip.decode([Digest].self, "[\"sha256:abc\"]") }
}

@Test func digestsOrderByString() throws {
  let zeros = String(repeating: "0", count: 64)
  let ones = String(repeating: "1", count: 64)
  let a = try Digest(parsing: "sha256:\(zeros)")
  let b = try Digest(parsing: "sha256:\(ones)")
  #expect(a < b)
  #expect(Set([a, b, a]).count == 2)
}
