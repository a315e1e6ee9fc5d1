import Testing

@testable import BerthOCI

private let hex64 = String(repeating: "a1b2c3d4", count: 8)
private let hex128 = String(repeating: "0123456789abcdef", count: 8)

/// A valid reference and how Docker normalises and prints it.
struct ValidReferenceCase: Sendable, CustomStringConvertible {
  var input: String
  var domain: String
  var path: String
  var tag: String?
  var digest: String?
  var familiarName: String
  var string: String
  var familiarString: String

  var description: String { input }
}

private let validCases: [ValidReferenceCase] = [
  .init(
    input: "busybox", domain: "docker.io", path: "library/busybox", familiarName: "busybox",
    string: "docker.io/library/busybox", familiarString: "busybox"),
  .init(
    input: "busybox:latest", domain: "docker.io", path: "library/busybox", tag: "latest", familiarName: "busybox",
    string: "docker.io/library/busybox:latest", familiarString: "busybox:latest"),
  .init(
    input: "busybox:1.36.1-glibc", domain: "docker.io", path: "library/busybox", tag: "1.36.1-glibc",
    familiarName: "busybox", string: "docker.io/library/busybox:1.36.1-glibc",
    familiarString: "busybox:1.36.1-glibc"),
  .init(
    input: "user/repo", domain: "docker.io", path: "user/repo", familiarName: "user/repo",
    string: "docker.io/user/repo", familiarString: "user/repo"),
  .init(
    input: "user/repo:Tag_1", domain: "docker.io", path: "user/repo", tag: "Tag_1", familiarName: "user/repo",
    string: "docker.io/user/repo:Tag_1", familiarString: "user/repo:Tag_1"),
  .init(
    input: "library/busybox", domain: "docker.io", path: "library/busybox", familiarName: "busybox",
    string: "docker.io/library/busybox", familiarString: "busybox"),
  .init(
    input: "docker.io/busybox", domain: "docker.io", path: "library/busybox", familiarName: "busybox",
    string: "docker.io/library/busybox", familiarString: "busybox"),
  .init(
    input: "docker.io/library/busybox:latest", domain: "docker.io", path: "library/busybox", tag: "latest",
    familiarName: "busybox", string: "docker.io/library/busybox:latest", familiarString: "busybox:latest"),
  .init(
    input: "index.docker.io/busybox:1", domain: "docker.io", path: "library/busybox", tag: "1",
    familiarName: "busybox", string: "docker.io/library/busybox:1", familiarString: "busybox:1"),
  .init(
    input: "index.docker.io/user/app", domain: "docker.io", path: "user/app", familiarName: "user/app",
    string: "docker.io/user/app", familiarString: "user/app"),
  .init(
    input: "docker.io/library/a/b", domain: "docker.io", path: "library/a/b", familiarName: "library/a/b",
    string: "docker.io/library/a/b", familiarString: "library/a/b"),
  .init(
    input: "localhost/foo", domain: "localhost", path: "foo", familiarName: "localhost/foo",
    string: "localhost/foo", familiarString: "localhost/foo"),
  .init(
    input: "localhost:5000/a/b:tag", domain: "localhost:5000", path: "a/b", tag: "tag",
    familiarName: "localhost:5000/a/b", string: "localhost:5000/a/b:tag", familiarString: "localhost:5000/a/b:tag"),
  .init(
    input: "localhost", domain: "docker.io", path: "library/localhost", familiarName: "localhost",
    string: "docker.io/library/localhost", familiarString: "localhost"),
  .init(
    input: "localhost:5000", domain: "docker.io", path: "library/localhost", tag: "5000", familiarName: "localhost",
    string: "docker.io/library/localhost:5000", familiarString: "localhost:5000"),
  .init(
    input: "127.0.0.1:5000/x", domain: "127.0.0.1:5000", path: "x", familiarName: "127.0.0.1:5000/x",
    string: "127.0.0.1:5000/x", familiarString: "127.0.0.1:5000/x"),
  .init(
    input: "[::1]:5000/x:y", domain: "[::1]:5000", path: "x", tag: "y", familiarName: "[::1]:5000/x",
    string: "[::1]:5000/x:y", familiarString: "[::1]:5000/x:y"),
  .init(
    input: "registry.example.com/team/app/web:v1.2-rc_3", domain: "registry.example.com", path: "team/app/web",
    tag: "v1.2-rc_3", familiarName: "registry.example.com/team/app/web",
    string: "registry.example.com/team/app/web:v1.2-rc_3",
    familiarString: "registry.example.com/team/app/web:v1.2-rc_3"),
  .init(
    input: "my-registry.io/a__b/c--d/e.f/g_h", domain: "my-registry.io", path: "a__b/c--d/e.f/g_h",
    familiarName: "my-registry.io/a__b/c--d/e.f/g_h", string: "my-registry.io/a__b/c--d/e.f/g_h",
    familiarString: "my-registry.io/a__b/c--d/e.f/g_h"),
  .init(
    input: "Registry/app", domain: "Registry", path: "app", familiarName: "Registry/app", string: "Registry/app",
    familiarString: "Registry/app"),
  .init(
    input: "busybox@sha256:\(hex64)", domain: "docker.io", path: "library/busybox", digest: "sha256:\(hex64)",
    familiarName: "busybox", string: "docker.io/library/busybox@sha256:\(hex64)",
    familiarString: "busybox@sha256:\(hex64)"),
  .init(
    input: "busybox:1.36@sha256:\(hex64)", domain: "docker.io", path: "library/busybox", tag: "1.36",
    digest: "sha256:\(hex64)", familiarName: "busybox", string: "docker.io/library/busybox:1.36@sha256:\(hex64)",
    familiarString: "busybox:1.36@sha256:\(hex64)"),
  .init(
    input: "registry.io:443/ns/app@sha512:\(hex128)", domain: "registry.io:443", path: "ns/app",
    digest: "sha512:\(hex128)", familiarName: "registry.io:443/ns/app",
    string: "registry.io:443/ns/app@sha512:\(hex128)", familiarString: "registry.io:443/ns/app@sha512:\(hex128)"),
  .init(
    input: "a:\(tag128)", domain: "docker.io", path: "library/a", tag: tag128, familiarName: "a",
    string: "docker.io/library/a:\(tag128)", familiarString: "a:\(tag128)"),
  .init(
    input: "foo_bar.baz-qux", domain: "docker.io", path: "library/foo_bar.baz-qux", familiarName: "foo_bar.baz-qux",
    string: "docker.io/library/foo_bar.baz-qux", familiarString: "foo_bar.baz-qux"),
]

@Test("valid references normalise like Docker", arguments: validCases)
func validReference(_ testCase: ValidReferenceCase) throws {
  let reference = try Reference(parsing: testCase.input)
  #expect(reference.domain == testCase.domain)
  #expect(reference.path == testCase.path)
  #expect(reference.tag == testCase.tag)
  #expect(reference.digest?.description == testCase.digest)
  #expect(reference.name == (testCase.domain + "/" + testCase.path))
  #expect(reference.familiarName == testCase.familiarName)
  #expect(reference.string == testCase.string)
  #expect(reference.familiarString == testCase.familiarString)
  #expect(reference.description == testCase.string)
  // A normalised reference parses back to itself.
  #expect(try Reference(parsing: reference.string) == reference)
}

private let tag128 = String(repeating: "t", count: 128)
private let tag129 = String(repeating: "t", count: 129)
private let hex63 = String(hex64.dropLast())
private let upperHex64 = hex64.uppercased()
private let hex32 = String(hex64.prefix(32))
private let longPath = String(repeating: "a", count: 250)

private let invalidCases: [(String, String)] = [
  ("Busybox", "invalid reference format: repository name (library/Busybox) must be lowercase"),
  ("user/Repo:tag", "invalid reference format: repository name (user/Repo) must be lowercase"),
  ("localhost:5000/Foo/bar", "invalid reference format: repository name (Foo/bar) must be lowercase"),
  ("", "invalid reference format"),
  ("busybox:", "invalid reference format"),
  (":tag", "invalid reference format"),
  ("busybox::tag", "invalid reference format"),
  ("a//b", "invalid reference format"),
  ("user/", "invalid reference format"),
  ("-busybox", "invalid reference format"),
  ("busybox-", "invalid reference format"),
  ("bus..box", "invalid reference format"),
  ("bus___box", "invalid reference format"),
  ("bus box", "invalid reference format"),
  ("busybox:-tag", "invalid reference format"),
  ("busybox:\(tag129)", "invalid reference format"),
  ("localhost:abc/x", "invalid reference format"),
  ("reg-.io/x", "invalid reference format"),
  ("busybox@sha256:abc", "invalid reference format"),
  ("busybox@", "invalid reference format"),
  ("busybox@sha256:\(hex64)@sha256:\(hex64)", "invalid reference format"),
  ("busybox@sha256:\(hex63)", "invalid checksum digest length"),
  ("busybox@sha256:\(upperHex64)", "invalid checksum digest format"),
  ("busybox@md5:\(hex32)", "unsupported digest algorithm"),
  (hex64, "invalid repository name (\(hex64)), cannot specify 64-byte hexadecimal strings"),
  ("example.com/\(longPath)", "repository name must not be more than 255 characters"),
]

@Test("invalid references fail with Docker's message", arguments: invalidCases)
func invalidReference(input: String, message: String) {
  #expect(throws: ReferenceError(message)) { try Reference(parsing: input) }
}

private let defaultTagCases: [(String, String, String)] = [
  ("busybox", "docker.io/library/busybox:latest", "busybox:latest"),
  ("busybox:1", "docker.io/library/busybox:1", "busybox:1"),
  ("user/app", "docker.io/user/app:latest", "user/app:latest"),
  ("busybox@sha256:\(hex64)", "docker.io/library/busybox@sha256:\(hex64)", "busybox@sha256:\(hex64)"),
  ("localhost:5000/a", "localhost:5000/a:latest", "localhost:5000/a:latest"),
]

@Test("withDefaultTag adds latest only to bare names", arguments: defaultTagCases)
func defaultTag(input: String, string: String, familiar: String) throws {
  let reference = try Reference(parsing: input).withDefaultTag()
  #expect(reference.string == string)
  #expect(reference.familiarString == familiar)
}

@Test func referenceCodableIsItsString() throws {
  let reference = try Reference(parsing: "busybox:1")
  let json = try JSONValueRoundTrip.encode(reference)
  #expect(json == "\"docker.io/library/busybox:1\"")
  #expect(try JSONValueRoundTrip.decode(Reference.self, json) == reference)
}

@Test func grammarAcceptsNamesWithoutDomain() {
  // The raw grammar (reference.Parse) keeps an empty domain when the first component is not a
  // host, as docker/distribution does.
  let match = ReferenceGrammar.match("a_b.com/x")
  #expect(match?.domain == "")
  #expect(match?.path == "a_b.com/x")
}
