import Foundation
import Testing

/// `login`, `logout`, `push` and `pull` against registries that want credentials: TLS with a
/// self-signed CA and htpasswd Basic auth, and Bearer tokens from a token issuer the test runs.
@Suite(
  .enabled(
    if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-registry"),
    "needs root and docker-registry"),
  .serialized)
struct RegistryAuthTests {
  /// A Docker config directory removed at deinit.
  final class ConfigDir: @unchecked Sendable {
    let path = NSTemporaryDirectory() + "berth-dockercfg-\(UUID().uuidString.prefix(8))"
    init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    var json: [String: Any] {
      guard let data = FileManager.default.contents(atPath: path + "/config.json") else { return [:] }
      return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }
  }

  func roundTrip(_ registry: LocalRegistry, anonymousError: String) throws {
    let config = ConfigDir()
    let env = registry.environment.merging(["DOCKER_CONFIG": config.path]) { $1 }
    let sandbox = try Sandbox()
    let ref = "\(registry.address)/private/busybox:1"
    #expect(sandbox.berth(["tag", "busybox", ref]).code == 0)

    let anonymous = sandbox.berth(["push", ref], env: env)
    #expect(anonymous.code != 0)
    #expect(anonymous.err.contains(anonymousError), "\(anonymous.err)")

    let wrong = sandbox.berth(
      ["login", "-u", registry.user, "--password-stdin", registry.address], env: env, stdin: "wrong\n")
    #expect(wrong.code != 0)
    #expect(config.json["auths"] == nil)

    let login = sandbox.berth(
      ["login", "-u", registry.user, "--password-stdin", registry.address], env: env, stdin: registry.password + "\n")
    #expect(login.code == 0, "\(login.err)")
    #expect(login.out.contains("Login Succeeded"))
    let auths = config.json["auths"] as? [String: Any]
    let entry = auths?[registry.address] as? [String: Any]
    #expect(entry?["auth"] as? String == Data("\(registry.user):\(registry.password)".utf8).base64EncodedString())

    let push = sandbox.berth(["push", ref], env: env)
    #expect(push.code == 0, "\(push.out)\(push.err)")
    let target = try Sandbox(image: false)
    let pull = target.berth(["pull", ref], env: env)
    #expect(pull.code == 0, "\(pull.out)\(pull.err)")
    #expect(target.berth(["run", "--rm", "--network", "none", ref, "echo", "authed"]).out == "authed\n")

    let logout = sandbox.berth(["logout", registry.address], env: env)
    #expect(logout.out.contains("Removing login credentials for \(registry.address)"))
    #expect((config.json["auths"] as? [String: Any])?[registry.address] == nil)
    let after = try Sandbox(image: false)
    #expect(after.berth(["pull", ref], env: env).code != 0)
  }

  @Test func basicAuthOverTLSWithASelfSignedCA() throws {
    try roundTrip(try LocalRegistry(auth: .basic), anonymousError: "no basic auth credentials")
  }

  @Test func bearerTokensFromATokenIssuer() throws {
    try roundTrip(try LocalRegistry(auth: .token), anonymousError: "unauthorized")
  }

  @Test func credentialsStoreHelper() throws {
    let registry = try LocalRegistry(auth: .basic)
    let config = ConfigDir()
    let bin = config.path + "/bin"
    let store = config.path + "/helper-store"
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    // A credential helper that keeps one secret in a file, speaking Docker's helper protocol.
    let helper = """
      #!/bin/sh
      case "$1" in
        store) cat > \(store) ;;
        get) read url; if [ -f \(store) ]; then cat \(store); else echo "credentials not found in native keychain"; exit 1; fi ;;
        erase) rm -f \(store) ;;
      esac
      """
    try helper.write(toFile: bin + "/docker-credential-berthtest", atomically: true, encoding: .utf8)
    chmod(bin + "/docker-credential-berthtest", 0o755)
    try #"{"credsStore": "berthtest", "experimental": "keep-me"}"#.write(
      toFile: config.path + "/config.json", atomically: true, encoding: .utf8)
    let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    let env = registry.environment.merging(["DOCKER_CONFIG": config.path, "PATH": path]) { $1 }
    let sandbox = try Sandbox()
    let login = sandbox.berth(
      ["login", "-u", registry.user, "--password-stdin", registry.address], env: env, stdin: registry.password + "\n")
    #expect(login.code == 0, "\(login.err)")
    #expect(FileManager.default.fileExists(atPath: store))
    #expect(config.json["experimental"] as? String == "keep-me")
    let entry = (config.json["auths"] as? [String: Any])?[registry.address] as? [String: Any]
    #expect(entry != nil && entry?["auth"] == nil)
    let ref = "\(registry.address)/helper/busybox:1"
    #expect(sandbox.berth(["tag", "busybox", ref]).code == 0)
    let push = sandbox.berth(["push", ref], env: env)
    #expect(push.code == 0, "\(push.out)\(push.err)")
    #expect(sandbox.berth(["logout", registry.address], env: env).code == 0)
    #expect(!FileManager.default.fileExists(atPath: store))
  }
}
