import BerthOCI
import BerthSystem
import Foundation

/// Registry credentials in Docker's `config.json` (`$DOCKER_CONFIG/config.json`, else
/// `~/.docker/config.json`), read and written as the Docker CLI does: `auths.<registry>.auth` is
/// base64 `user:password`; `credHelpers.<registry>` or `credsStore` name a
/// `docker-credential-<name>` helper that holds the secret instead. Other keys are kept as they are.
public struct DockerConfigFile: Sendable {
  /// The file's path.
  public let path: String

  /// The file Docker uses for the current user.
  public static func defaultPath() -> String {
    let env = ProcessInfo.processInfo.environment
    if let dir = env["DOCKER_CONFIG"], !dir.isEmpty { return dir + "/config.json" }
    return (env["HOME"] ?? NSHomeDirectory()) + "/.docker/config.json"
  }

  /// Opens the file at path (it need not exist).
  public init(path: String = DockerConfigFile.defaultPath()) {
    self.path = path
  }

  /// The credentials stored for a registry, or nil.
  public func credentials(for host: RegistryHost) throws -> RegistryCredentials? {
    let json = try load()
    if let helper = helper(for: host, in: json) {
      return try CredentialHelper(name: helper).get(serverURL: host.authKey)
    }
    let auths = json["auths"] as? [String: Any] ?? [:]
    let entry = (auths[host.authKey] ?? auths[host.domain] ?? auths["https://\(host.domain)"]) as? [String: Any]
    guard let entry else { return nil }
    if let auth = entry["auth"] as? String, !auth.isEmpty {
      guard let data = Data(base64Encoded: auth), let text = String(data: data, encoding: .utf8),
        let colon = text.firstIndex(of: ":")
      else { throw BerthError.invalid("\(path): invalid auth for \(host.authKey)") }
      return RegistryCredentials(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }
    if let user = entry["username"] as? String, let password = entry["password"] as? String {
      return RegistryCredentials(username: user, password: password)
    }
    return nil
  }

  /// Stores credentials (in the helper when one is configured), as `docker login` does.
  public func store(_ credentials: RegistryCredentials, for host: RegistryHost) throws {
    var json = try load()
    var auths = json["auths"] as? [String: Any] ?? [:]
    if let helper = helper(for: host, in: json) {
      try CredentialHelper(name: helper).store(serverURL: host.authKey, credentials: credentials)
      auths[host.authKey] = [String: Any]()
    } else {
      auths[host.authKey] = ["auth": Data("\(credentials.username):\(credentials.password)".utf8).base64EncodedString()]
    }
    json["auths"] = auths
    try save(json)
  }

  /// Removes a registry's credentials; false when there were none.
  @discardableResult
  public func erase(for host: RegistryHost) throws -> Bool {
    var json = try load()
    var auths = json["auths"] as? [String: Any] ?? [:]
    var found = auths.removeValue(forKey: host.authKey) != nil
    if let helper = helper(for: host, in: json) {
      found = (try? CredentialHelper(name: helper).erase(serverURL: host.authKey)) != nil || found
    }
    guard found else { return false }
    json["auths"] = auths
    try save(json)
    return true
  }

  private func helper(for host: RegistryHost, in json: [String: Any]) -> String? {
    if let helpers = json["credHelpers"] as? [String: String], let name = helpers[host.domain] ?? helpers[host.authKey]
    {
      return name
    }
    if let store = json["credsStore"] as? String, !store.isEmpty { return store }
    return nil
  }

  private func load() throws -> [String: Any] {
    guard FileSystem.exists(path) else { return [:] }
    let bytes = try FileSystem.read(path)
    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) { return [:] }
    guard let json = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
      throw BerthError.invalid("loading config file \(path): invalid JSON")
    }
    return json
  }

  private func save(_ json: [String: Any]) throws {
    let data = try JSONSerialization.data(
      withJSONObject: json, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    try FileSystem.makeDirectory(PathName.parent(path), mode: 0o700)
    try FileSystem.writeAtomically(path, Array(data) + [0x0A], mode: 0o600)
  }
}
