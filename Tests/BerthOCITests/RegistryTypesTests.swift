import Testing

@testable import BerthOCI

/// The pure registry types: challenges, platforms, where a registry is reached.
struct RegistryTypesTests {
  @Test func dockerHubsBearerChallenge() {
    let challenges = AuthChallenge.parse(
      #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull""#
    )
    #expect(challenges.count == 1)
    #expect(challenges[0].scheme == "bearer")
    #expect(challenges[0].parameters["realm"] == "https://auth.docker.io/token")
    #expect(challenges[0].parameters["service"] == "registry.docker.io")
    #expect(challenges[0].parameters["scope"] == "repository:library/busybox:pull")
  }

  @Test func basicChallengeAndSeveralChallenges() {
    let challenges = AuthChallenge.parse(
      #"Basic realm="berth test", Bearer realm="http://127.0.0.1:1/token",error=invalid_token"#)
    #expect(challenges.map(\.scheme) == ["basic", "bearer"])
    #expect(challenges[0].parameters["realm"] == "berth test")
    #expect(challenges[1].parameters["error"] == "invalid_token")
    #expect(AuthChallenge.parse("").isEmpty)
    #expect(AuthChallenge.parse(#"Bearer realm="a\"b""#)[0].parameters["realm"] == #"a"b"#)
  }

  @Test(arguments: [
    ("linux/amd64", "linux/amd64"), ("linux/arm64/v8", "linux/arm64"), ("linux/aarch64", "linux/arm64"),
    ("linux/x86_64", "linux/amd64"), ("linux/arm/v7", "linux/arm/v7"), ("linux", "linux/amd64"),
    ("Linux/ARM64", "linux/arm64"),
  ])
  func platformParsing(_ text: String, _ expected: String) throws {
    #expect(try Platform(parsing: text).description == expected)
  }

  @Test func badPlatforms() {
    #expect(throws: BerthError.self) { try Platform(parsing: "linux//v7") }
    #expect(throws: BerthError.self) { try Platform(parsing: "a/b/c/d") }
  }

  @Test func platformMatching() {
    let arm64 = Platform(architecture: "arm64", os: "linux")
    #expect(arm64.matches(Platform(architecture: "arm64", os: "linux", variant: "v8")))
    #expect(!arm64.matches(Platform(architecture: "amd64", os: "linux")))
    let armv7 = Platform(architecture: "arm", os: "linux", variant: "v7")
    #expect(!armv7.matches(Platform(architecture: "arm", os: "linux", variant: "v6")))
  }

  @Test func whereRegistriesAreReached() {
    let hub = RegistryHost(domain: "docker.io")
    #expect(hub.host == "registry-1.docker.io")
    #expect(hub.schemes == ["https"])
    #expect(hub.authKey == "https://index.docker.io/v1/")
    let local = RegistryHost(domain: "localhost:5000")
    #expect(local.host == "localhost:5000" && local.insecure && local.schemes == ["http", "https"])
    #expect(RegistryHost(domain: "127.0.0.1:5000").insecure)
    #expect(RegistryHost(domain: "[::1]:5000").insecure)
    #expect(!RegistryHost(domain: "registry.example.com").insecure)
    #expect(
      RegistryHost(domain: "registry.example.com:5000", insecureRegistries: ["registry.example.com:5000"]).insecure)
  }

  @Test func dockerIoLibraryNamesMapToDockerHub() throws {
    let ref = try Reference(parsing: "docker.io/library/python:2.7-slim")
    #expect(RegistryHost(domain: ref.domain).host == "registry-1.docker.io")
    #expect(ref.path == "library/python")
    #expect(try Reference(parsing: "python:2.7-slim") == ref)
  }
}
