import AsyncHTTPClient
import BerthOCI
import BerthSystem
import Foundation
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#endif

/// A plain GET of a URL into a file, for `ADD <url>`: redirects followed (up to 10), HTTPS with
/// the system trust store. AsyncHTTPClient rather than URLSession keeps libcurl and its dozens of
/// shared libraries out of the `berth` binary, whose every start would pay to load them.
public enum HTTPDownload {
  /// What the server answered.
  public struct Response: Sendable {
    /// The status code.
    public var status: Int
    /// Its reason phrase as Go's `http.StatusText` gives it ("Not Found").
    public var reason: String
    /// The headers, names lower-cased.
    public var headers: [String: String]
  }

  /// Downloads url's body (whatever the status) into a new file at path.
  public static func get(_ url: String, to path: String) async throws -> Response {
    var configuration = HTTPClient.Configuration()
    configuration.redirectConfiguration = .follow(max: 10, allowCycles: false)
    configuration.timeout = .init(connect: .seconds(30), read: .seconds(120))
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
      let response = try await client.execute(HTTPClientRequest(url: url), timeout: .hours(24))
      let fd = try syscall("open", path) { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }
      defer { close(fd) }
      for try await chunk in response.body {
        try chunk.withUnsafeReadableBytes { buffer in
          var offset = 0
          while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw SystemError("write", path, errno: errno) }
            offset += n
          }
        }
      }
      var headers: [String: String] = [:]
      for (name, value) in response.headers { headers[name.lowercased()] = value }
      try await client.shutdown()
      return Response(status: Int(response.status.code), reason: response.status.reasonPhrase, headers: headers)
    } catch {
      try? await client.shutdown()
      throw error
    }
  }
}
