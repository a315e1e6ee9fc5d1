import AsyncHTTPClient
import BerthOCI
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// A client of one registry (OCI distribution spec, Docker registry v2): manifests and blobs,
/// anonymous, Basic and Bearer token auth, HTTPS with the system trust store (plus a CA in
/// `certs.d/<host>/ca.crt`), and plain HTTP only for loopback and insecure registries.
///
/// Requests follow redirects themselves (at most ``maximumRedirects``, never in a loop) and drop
/// credentials when a redirect leaves the registry's host. `+Auth`, `+Fetch` and `+Push` hold the
/// protocol's three parts.
public final class RegistryClient: Sendable {
  /// Where the registry is.
  public let host: RegistryHost
  /// The credentials sent when the registry asks for them.
  public let credentials: RegistryCredentials?
  let http: HTTPClient
  let tls: TLSConfiguration
  let scheme = Mutex<String?>(nil)
  let tokens = Mutex<[String: String]>([:])
  let basicAuthorization = Mutex<String?>(nil)

  /// The most redirects one request follows.
  public static let maximumRedirects = 10
  /// Directories searched for `<host>/ca.crt`, as Docker's `certs.d`.
  public static let certificateDirectories = ["/etc/berth/certs.d", "/etc/docker/certs.d"]

  /// Opens a client; `shutdown()` must be called when done.
  public init(host: RegistryHost, credentials: RegistryCredentials?, certificateDirectories: [String]? = nil) {
    self.host = host
    self.credentials = credentials
    var tls = TLSConfiguration.makeClientConfiguration()
    let directories =
      certificateDirectories
      ?? ProcessInfo.processInfo.environment["BERTH_CERTS_DIR"].map { [$0] } ?? RegistryClient.certificateDirectories
    var extraRoots: [NIOSSLCertificate] = []
    for directory in directories {
      let path = "\(directory)/\(host.domain)/ca.crt"
      if FileManager.default.fileExists(atPath: path), let certificates = try? NIOSSLCertificate.fromPEMFile(path) {
        extraRoots += certificates
      }
    }
    if !extraRoots.isEmpty { tls.additionalTrustRoots = [.certificates(extraRoots)] }
    if host.insecure && extraRoots.isEmpty { tls.certificateVerification = .none }
    self.tls = tls
    var configuration = HTTPClient.Configuration()
    configuration.redirectConfiguration = .disallow
    configuration.timeout = .init(connect: .seconds(30), read: .seconds(120))
    configuration.tlsConfiguration = tls
    http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
  }

  /// Closes the client's connections.
  public func shutdown() async {
    _ = try? await http.shutdown()
  }

  /// A request to send: method, path under the registry (`/v2/…`) or absolute URL, headers, body.
  struct Call: Sendable {
    var method: HTTPMethod = .GET
    var target: String
    var headers: [(String, String)] = []
    var body: (@Sendable () -> HTTPClientRequest.Body)?
    /// The token scope the request needs, `repository:<path>:pull[,push]`.
    var scope: String?
  }

  /// Sends a call, authenticating on 401 and following redirects. The response body is not read.
  func send(_ call: Call) async throws -> HTTPClientResponse {
    var response = try await sendOnce(call, authorization: cachedAuthorization(for: call.scope))
    if response.status == .unauthorized {
      let header = response.headers["WWW-Authenticate"].joined(separator: ", ")
      _ = try? await response.body.collect(upTo: 1 << 16)
      let authorization = try await authorize(challenges: AuthChallenge.parse(header), scope: call.scope)
      response = try await sendOnce(call, authorization: authorization)
      if response.status == .unauthorized {
        let body = try? await response.body.collect(upTo: 1 << 16)
        throw BerthError(
          .forbidden,
          "unauthorized: authentication required for \(host.domain)"
            + (body.map { RegistryClient.errorDetail(Array(buffer: $0)) } ?? ""))
      }
    }
    return response
  }

  private func sendOnce(_ call: Call, authorization: String?) async throws -> HTTPClientResponse {
    let base = try await baseURL()
    var url = call.target.hasPrefix("http://") || call.target.hasPrefix("https://") ? call.target : base + call.target
    var visited: Set<String> = []
    var sendCredentials = url.hasPrefix(base)
    for _ in 0...RegistryClient.maximumRedirects {
      var request = HTTPClientRequest(url: url)
      request.method = call.method
      request.tlsConfiguration = tls
      for (name, value) in call.headers { request.headers.add(name: name, value: value) }
      if let authorization, sendCredentials { request.headers.add(name: "Authorization", value: authorization) }
      request.headers.add(name: "User-Agent", value: "berth/1 docker/28.0 (linux)")
      if let body = call.body { request.body = body() }
      let response: HTTPClientResponse
      do {
        response = try await http.execute(request, timeout: .seconds(3600))
      } catch {
        throw BerthError(.unavailable, "\(call.method) \(url): \(RegistryClient.describe(error))")
      }
      guard [301, 302, 303, 307, 308].contains(response.status.code) else { return response }
      guard let location = response.headers.first(name: "Location"), !location.isEmpty else {
        throw BerthError(.unavailable, "\(call.method) \(url): redirect without a Location header")
      }
      _ = try? await response.body.collect(upTo: 1 << 16)
      visited.insert(url)
      let next = RegistryClient.resolve(location, against: url)
      if visited.contains(next) {
        throw BerthError(.unavailable, "\(call.method) \(url): redirect loop (\(next) was visited before)")
      }
      if RegistryClient.origin(of: next) != RegistryClient.origin(of: base) { sendCredentials = false }
      url = next
    }
    throw BerthError(
      .unavailable, "\(call.method) \(call.target): stopped after \(RegistryClient.maximumRedirects) redirects")
  }

  /// `scheme://host`, found on first use: HTTPS, then HTTP for insecure registries.
  func baseURL() async throws -> String {
    if let chosen = scheme.withLock({ $0 }) { return "\(chosen)://\(host.host)" }
    var lastError: (any Error)?
    for candidate in host.schemes {
      var request = HTTPClientRequest(url: "\(candidate)://\(host.host)/v2/")
      request.tlsConfiguration = tls
      do {
        let response = try await http.execute(request, timeout: .seconds(15))
        let body = (try? await response.body.collect(upTo: 1 << 16)).map { String(buffer: $0) } ?? ""
        // A TLS server's answer to plain HTTP ("Client sent an HTTP request to an HTTPS server").
        if candidate == "http", response.status == .badRequest, body.contains("HTTPS") || body.contains("https") {
          continue
        }
        scheme.withLock { $0 = candidate }
        return "\(candidate)://\(host.host)"
      } catch {
        lastError = error
      }
    }
    throw BerthError(
      .unavailable,
      "Get \"\(host.schemes.last ?? "https")://\(host.host)/v2/\": \(lastError.map(RegistryClient.describe) ?? "unreachable")"
    )
  }

  /// The registry's error body, `{"errors":[{"code":…,"message":…}]}`, as `: code: message`.
  static func errorDetail(_ body: [UInt8]) -> String {
    struct Errors: Decodable {
      struct Entry: Decodable {
        var code: String?
        var message: String?
      }
      var errors: [Entry]?
    }
    guard let decoded = try? JSONDecoder().decode(Errors.self, from: Data(body)), let errors = decoded.errors,
      !errors.isEmpty
    else { return "" }
    return errors.map {
      ": \(($0.code ?? "").lowercased().replacingOccurrences(of: "_", with: " ")): \($0.message ?? "")"
    }
    .joined()
  }

  /// A transport error in a sentence.
  static func describe(_ error: any Error) -> String {
    if let error = error as? HTTPClientError {
      return "\(error)".replacingOccurrences(of: "HTTPClientError.", with: "")
    }
    return "\(error)"
  }

  /// A `Location` (absolute, or relative to the request URL) made absolute.
  static func resolve(_ location: String, against url: String) -> String {
    if location.hasPrefix("http://") || location.hasPrefix("https://") { return location }
    guard let base = URL(string: url), let resolved = URL(string: location, relativeTo: base) else { return location }
    return resolved.absoluteString
  }

  /// `scheme://host[:port]` of a URL.
  static func origin(of url: String) -> String {
    guard let parsed = URL(string: url) else { return url }
    return "\(parsed.scheme ?? "")://\(parsed.host ?? "")\(parsed.port.map { ":\($0)" } ?? "")"
  }
}
