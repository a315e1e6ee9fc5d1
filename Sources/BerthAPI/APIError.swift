import BerthOCI
import BerthSystem
import NIOHTTP1

/// Maps Berth's error vocabulary to the Engine API's status codes, in one place.
enum APIError {
  /// The HTTP status for an error: BerthError kinds as Docker's, anything else 500.
  static func status(of error: any Error) -> HTTPResponseStatus {
    guard let e = error as? BerthError else { return .internalServerError }
    switch e.kind {
    case .notFound: return .notFound
    case .conflict: return .conflict
    case .invalidArgument: return .badRequest
    case .notModified: return .notModified
    case .forbidden: return .forbidden
    case .unavailable: return .serviceUnavailable
    case .internal: return .internalServerError
    }
  }

  /// The message Docker's clients print (`Error response from daemon: …`).
  static func message(of error: any Error) -> String {
    if let e = error as? BerthError { return e.message }
    if let e = error as? SystemError { return e.description }
    return "\(error)"
  }
}
