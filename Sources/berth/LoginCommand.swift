import ArgumentParser
import BerthEngine
import BerthImage
import BerthOCI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `berth login`: checks the credentials against the registry and stores them in Docker's
/// `config.json` (or its credential helper).
struct LoginCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "login", abstract: "Log in to a registry")

  @Option(name: [.short, .long], help: "Username") var username: String?
  @Option(name: [.short, .long], help: "Password") var password: String?
  @Flag(name: .customLong("password-stdin"), help: "Take the password from stdin") var passwordStdin = false
  @Argument(help: "SERVER (default Docker Hub)") var server: String?

  func run() throws {
    let options = RegistryOptions()
    let host = options.host(for: Reference(domain: registryDomain(server), path: ""))
    var password = self.password
    if passwordStdin {
      guard self.password == nil else {
        throw BerthError.invalid("--password and --password-stdin are mutually exclusive")
      }
      guard username != nil else { throw BerthError.invalid("Must provide --username with --password-stdin") }
      password = (readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .newlines)
    } else if password != nil {
      FileHandle.standardError.write(
        Data("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n".utf8))
    }
    let stored = try? options.configFile.credentials(for: host)
    var username = self.username
    if username == nil {
      guard isatty(0) == 1 else {
        throw BerthError.invalid("Cannot perform an interactive login from a non TTY device")
      }
      print("Username\(stored.map { " (\($0.username))" } ?? ""): ", terminator: "")
      fflush(nil)
      let typed = readLine() ?? ""
      username = typed.isEmpty ? stored?.username : typed
    }
    if password == nil {
      guard isatty(0) == 1 else {
        throw BerthError.invalid("Cannot perform an interactive login from a non TTY device")
      }
      password = String(cString: getpass("Password: "))
    }
    guard let username, !username.isEmpty else { throw BerthError.invalid("Error: Non-null Username Required") }
    guard let password, !password.isEmpty else { throw BerthError.invalid("Error: Password Required") }
    let credentials = RegistryCredentials(username: username, password: password)
    let client = RegistryClient(host: host, credentials: credentials)
    try runBlocking {
      do {
        try await client.checkLogin()
        await client.shutdown()
      } catch {
        await client.shutdown()
        throw error
      }
    }
    try options.configFile.store(credentials, for: host)
    print("Login Succeeded")
  }
}

/// `berth logout`.
struct LogoutCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "logout", abstract: "Log out from a registry")

  @Argument(help: "SERVER (default Docker Hub)") var server: String?

  func run() throws {
    let options = RegistryOptions()
    let host = options.host(for: Reference(domain: registryDomain(server), path: ""))
    let shown = host.domain == Reference.defaultDomain ? RegistryHost.dockerHubAuthKey : host.domain
    if try options.configFile.erase(for: host) {
      print("Removing login credentials for \(shown)")
    } else {
      print("Not logged in to \(shown)")
    }
  }
}

/// The registry domain a `login`/`logout` argument names: `localhost:5000`,
/// `https://index.docker.io/v1/` (Docker Hub), none (Docker Hub).
func registryDomain(_ server: String?) -> String {
  guard var name = server, !name.isEmpty else { return Reference.defaultDomain }
  for prefix in ["https://", "http://"] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
  name = String(name.prefix { $0 != "/" })
  if name == Reference.legacyDefaultDomain || name == RegistryHost.dockerHubHost || name == "docker.io" {
    return Reference.defaultDomain
  }
  return name
}
