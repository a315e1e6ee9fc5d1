import AsyncHTTPClient
import BerthOCI
import Foundation
import NIOCore

/// A user name and password (or identity token) for one registry.
public struct RegistryCredentials: Sendable, Hashable {
  /// The user name.
  public var username: String
  /// The password or personal access token.
  public var password: String

  /// Creates credentials.
  public init(username: String, password: String) {
    self.username = username
    self.password = password
  }

  /// `Basic base64(user:password)`.
  public var basicAuthorization: String {
    "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
  }
}

extension RegistryClient {
  /// What to send as `Authorization` before any challenge: the token already fetched for this
  /// scope, or Basic credentials once the registry asked for them.
  func cachedAuthorization(for scope: String?) -> String? {
    if let token = tokens.withLock({ $0[scope ?? ""] }) { return token }
    return basicAuthorization.withLock { $0 }
  }

  /// Answers a 401's challenges: Bearer (Docker Hub's token flow) is preferred over Basic.
  func authorize(challenges: [AuthChallenge], scope: String?) async throws -> String {
    if let bearer = challenges.first(where: { $0.scheme == "bearer" }) {
      let token = try await fetchToken(bearer, scope: scope)
      let value = "Bearer " + token
      tokens.withLock { $0[scope ?? ""] = value }
      return value
    }
    if challenges.contains(where: { $0.scheme == "basic" }) {
      guard let credentials else {
        throw BerthError(.forbidden, "no basic auth credentials for \(host.domain): run 'berth login \(host.domain)'")
      }
      let value = credentials.basicAuthorization
      basicAuthorization.withLock { $0 = value }
      return value
    }
    throw BerthError(
      .forbidden, "\(host.domain) answered 401 Unauthorized without a Bearer or Basic challenge it accepts")
  }

  /// Docker's token flow: GET realm?service=…&scope=… with Basic credentials when we have them;
  /// the answer's `token` (or `access_token`) becomes a Bearer header.
  func fetchToken(_ challenge: AuthChallenge, scope: String?) async throws -> String {
    guard let realm = challenge.parameters["realm"], let realmURL = URL(string: realm),
      realmURL.scheme == "https" || realmURL.scheme == "http", let realmHost = realmURL.host, !realmHost.isEmpty
    else {
      throw BerthError(
        .unavailable,
        "\(host.domain): invalid authentication realm \"\(challenge.parameters["realm"] ?? "")\" in the 401 challenge")
    }
    var components = URLComponents(url: realmURL, resolvingAgainstBaseURL: false)
    var query = components?.queryItems ?? []
    if let service = challenge.parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
    let scopes = ((scope ?? "") + " " + (challenge.parameters["scope"] ?? "")).split(separator: " ").map(String.init)
    for s in Set(scopes).sorted() { query.append(URLQueryItem(name: "scope", value: s)) }
    if let credentials { query.append(URLQueryItem(name: "account", value: credentials.username)) }
    components?.queryItems = query.isEmpty ? nil : query
    guard let url = components?.url?.absoluteString else {
      throw BerthError(.unavailable, "\(host.domain): invalid authentication realm \"\(realm)\"")
    }
    var request = HTTPClientRequest(url: url)
    request.tlsConfiguration = tls
    if let credentials { request.headers.add(name: "Authorization", value: credentials.basicAuthorization) }
    let response: HTTPClientResponse
    do {
      response = try await http.execute(request, timeout: .seconds(60))
    } catch {
      throw BerthError(.unavailable, "fetching a token from \(realm): \(RegistryClient.describe(error))")
    }
    let body = Array(buffer: try await response.body.collect(upTo: 1 << 20))
    guard response.status == .ok else {
      if response.status == .unauthorized || response.status == .forbidden {
        throw BerthError(
          .forbidden,
          "unauthorized: \(host.domain) refused the credentials (token server \(realm) answered \(response.status.code))"
        )
      }
      throw BerthError(
        .unavailable, "fetching a token from \(realm): \(response.status.code) \(response.status.reasonPhrase)")
    }
    struct TokenResponse: Decodable {
      var token: String?
      var access_token: String?
    }
    guard let decoded = try? JSONDecoder().decode(TokenResponse.self, from: Data(body)),
      let token = decoded.token ?? decoded.access_token, !token.isEmpty
    else {
      throw BerthError(.unavailable, "fetching a token from \(realm): the answer has no token")
    }
    return token
  }

  /// Checks that the registry accepts the credentials (`docker login`): GET /v2/ answered 200,
  /// after the challenge when there is one.
  public func checkLogin() async throws {
    let response = try await send(Call(target: "/v2/"))
    let body = try? await response.body.collect(upTo: 1 << 16)
    guard response.status == .ok else {
      throw BerthError(
        .forbidden,
        "login to \(host.domain) failed: \(response.status.code) \(response.status.reasonPhrase)"
          + (body.map { RegistryClient.errorDetail(Array(buffer: $0)) } ?? ""))
    }
  }
}
