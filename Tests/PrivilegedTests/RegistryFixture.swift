import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Debian's `docker-registry` on loopback, started by a test with its own config and storage
/// and stopped at deinit. Three setups: no auth over HTTP; TLS with a self-signed CA and
/// htpasswd Basic auth; Bearer tokens from `token_issuer.py`, which the fixture runs too.
final class LocalRegistry: @unchecked Sendable {
  enum Auth { case none, basic, token }

  let dir: String
  let port: Int
  let auth: Auth
  let user = "berth"
  let password = "s3cret-pw"
  private var processes: [Process] = []

  /// `127.0.0.1:PORT`.
  var address: String { "127.0.0.1:\(port)" }
  /// The CA certificate of the TLS setup.
  var caFile: String { dir + "/ca.crt" }
  /// A `certs.d` directory that holds the CA for this registry.
  var certsDir: String { dir + "/certs.d" }

  static let fixtures = BerthFixture.repo + "/Tests/PrivilegedTests/RegistryFixtures"

  /// The registry's log (with `accessLog`, one line per request with its status and size).
  var logFile: String { dir + "/registry.log" }

  /// Starts a registry listening on `listen` (loopback by default; `0.0.0.0` makes it reachable
  /// at the machine's other addresses too), logging requests to ``logFile`` with `accessLog`.
  init(auth: Auth = .none, listen: String = "127.0.0.1", accessLog: Bool = false) throws {
    dir = NSTemporaryDirectory() + "berth-registry-\(UUID().uuidString.prefix(8))"
    self.auth = auth
    port = LocalRegistry.freePort()
    try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
    var config = """
      version: 0.1
      log:
        level: error
        accesslog:
          disabled: \(!accessLog)
      storage:
        filesystem:
          rootdirectory: \(dir)/data
        delete:
          enabled: true
      validation:
        manifests:
          urls:
            allow:
              - ^http://127\\.0\\.0\\.1[:/]
      http:
        addr: \(listen):\(port)
        secret: berth-test-secret

      """
    switch auth {
    case .none: break
    case .basic:
      let san = "subjectAltName=IP:127.0.0.1,DNS:localhost"
      let made = BerthFixture.shell(
        """
        cd \(dir) && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=berth-test-ca \
          -keyout ca.key -out ca.crt -addext basicConstraints=critical,CA:TRUE 2>&1 && \
        openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr 2>&1 && \
        printf '%s\\n' '\(san)' > ext.cnf && \
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf \
          -out server.crt 2>&1 && \
        htpasswd -Bbn \(user) \(password) > htpasswd && \
        mkdir -p certs.d/127.0.0.1:\(port) && cp ca.crt certs.d/127.0.0.1:\(port)/ca.crt
        """)
      guard made.code == 0 else { throw SandboxError(message: "TLS setup: \(made.out)\(made.err)") }
      config += """
          tls:
            certificate: \(dir)/server.crt
            key: \(dir)/server.key
        auth:
          htpasswd:
            realm: berth-test
            path: \(dir)/htpasswd

        """
    case .token:
      let tokenPort = LocalRegistry.freePort()
      let made = BerthFixture.shell(
        "cd \(dir) && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=berth-token -keyout token.key -out token.crt 2>&1"
      )
      guard made.code == 0 else { throw SandboxError(message: "token key: \(made.out)") }
      let issuer = Process()
      issuer.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
      issuer.arguments = [
        LocalRegistry.fixtures + "/token_issuer.py", "\(tokenPort)", dir + "/token.key", dir + "/token.crt", user,
        password,
      ]
      issuer.standardOutput = FileHandle.nullDevice
      issuer.standardError = FileHandle(forWritingAtPath: "/dev/null")
      try issuer.run()
      processes.append(issuer)
      LocalRegistry.waitForPort(tokenPort)
      config += """
        auth:
          token:
            realm: http://127.0.0.1:\(tokenPort)/token
            service: berth-test-registry
            issuer: berth-test-issuer
            rootcertbundle: \(dir)/token.crt

        """
    }
    try config.write(toFile: dir + "/config.yml", atomically: true, encoding: .utf8)
    let registry = Process()
    registry.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
    registry.arguments = ["serve", dir + "/config.yml"]
    // The access log goes to stdout, other messages to stderr.
    _ = FileManager.default.createFile(atPath: logFile, contents: nil)
    let log = FileHandle(forWritingAtPath: logFile)
    registry.standardOutput = log
    registry.standardError = log
    try registry.run()
    processes.append(registry)
    LocalRegistry.waitForPort(port)
  }

  deinit {
    // SIGKILL: the test process blocks SIGTERM, and python inherits that mask.
    for p in processes where p.isRunning {
      kill(p.processIdentifier, SIGKILL)
      p.waitUntilExit()
    }
    BerthFixture.shell("rm -rf '\(dir)'")
  }

  /// The environment a client of this registry needs (certificates, insecure list).
  var environment: [String: String] {
    auth == .basic ? ["BERTH_CERTS_DIR": certsDir] : [:]
  }

  /// A port nothing listens on now.
  static func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
  }

  /// Waits until something accepts connections on the port.
  static func waitForPort(_ port: Int) {
    waitUntil(seconds: 10) {
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      defer { close(fd) }
      var addr = sockaddr_in()
      addr.sin_family = sa_family_t(AF_INET)
      addr.sin_addr.s_addr = inet_addr("127.0.0.1")
      addr.sin_port = in_port_t(UInt16(port).bigEndian)
      return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      } == 0
    }
  }
}

extension Sandbox {
  /// Runs the berth CLI with this sandbox's roots and extra environment.
  @discardableResult
  func berth(_ args: [String], env: [String: String], stdin: String? = nil) -> (code: Int32, out: String, err: String) {
    BerthFixture.run(
      BerthFixture.berth, ["--data-root", dataRoot, "--exec-root", execRoot] + args, env: env, stdin: stdin)
  }
}
