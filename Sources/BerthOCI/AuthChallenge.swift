/// One challenge of a registry's `WWW-Authenticate` header (RFC 7235), such as
/// `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"`.
public struct AuthChallenge: Sendable, Hashable {
  /// The scheme in lowercase: `bearer` or `basic`.
  public var scheme: String
  /// The parameters, keys in lowercase: `realm`, `service`, `scope`, `error`.
  public var parameters: [String: String]

  /// Creates a challenge.
  public init(scheme: String, parameters: [String: String] = [:]) {
    self.scheme = scheme.lowercased()
    self.parameters = parameters
  }

  /// Parses every challenge of a header value; unparseable parts are skipped, as Docker's
  /// `challenge.ResponseChallenges` does.
  public static func parse(_ header: String) -> [AuthChallenge] {
    var result: [AuthChallenge] = []
    var scanner = Substring(header)
    while true {
      scanner = scanner.drop { $0 == " " || $0 == "," || $0 == "\t" }
      let scheme = scanner.prefix { $0 != " " && $0 != "," }
      if scheme.isEmpty { break }
      scanner = scanner.dropFirst(scheme.count)
      var challenge = AuthChallenge(scheme: String(scheme))
      while true {
        let rest = scanner.drop { $0 == " " || $0 == "," || $0 == "\t" }
        let key = rest.prefix { $0 != "=" && $0 != " " && $0 != "," }
        guard !key.isEmpty, rest.dropFirst(key.count).first == "=" else { break }
        var value = rest.dropFirst(key.count + 1)
        var parsed = ""
        if value.first == "\"" {
          value = value.dropFirst()
          var escaped = false
          var end = value.endIndex
          for index in value.indices {
            let c = value[index]
            if escaped {
              parsed.append(c)
              escaped = false
            } else if c == "\\" {
              escaped = true
            } else if c == "\"" {
              end = index
              break
            } else {
              parsed.append(c)
            }
          }
          scanner = end < value.endIndex ? value[value.index(after: end)...] : value[end...]
        } else {
          let token = value.prefix { $0 != "," && $0 != " " }
          parsed = String(token)
          scanner = value.dropFirst(token.count)
        }
        challenge.parameters[key.lowercased()] = parsed
      }
      result.append(challenge)
    }
    return result
  }
}
