import BerthBuild
import BerthImage
import BerthOCI
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `ADD <url>`: the download Docker's classic builder makes (`downloadSource`): a file named
/// after the URL's last path segment (or the `Content-Disposition` file name; empty when neither
/// names one), mode 0600, its mtime the `Last-Modified` header's (or the epoch); a response of 400
/// or more fails with Docker's message. `--checksum=sha256:<hex>` is verified as BuildKit does.
enum URLFetcher {
  /// Downloads url into directory; returns the file's name ("" when the URL names none).
  static func fetch(_ url: String, into directory: String, checksum: String?) throws -> String {
    guard let address = URL(string: url) else { throw BerthError.invalid("invalid URL: \(url)") }
    let file = directory + "/.download"
    let response: HTTPDownload.Response
    do {
      response = try runBlocking { try await HTTPDownload.get(url, to: file) }
    } catch {
      unlink(file)
      throw BerthError.invalid("error downloading \(url): \(error)")
    }
    defer { unlink(file) }
    if response.status >= 400 {
      let body = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
      throw BerthError.invalid(
        "failed to GET \(url) with status \(response.status) \(response.reason): "
          + body.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    if let checksum {
      let actual = "sha256:" + (try FileCopier.hashContents(file))
      guard checksum == actual else {
        throw BerthError.invalid("digest mismatch \(actual): \(checksum)")
      }
    }
    let name = fileName(path: address.path, disposition: response.headers["content-disposition"])
    let target = directory + "/" + (name.isEmpty ? "__unnamed__" : name)
    try syscall("rename", target) { rename(file, target) }
    try syscall("chmod", target) { chmod(target, 0o600) }
    let seconds = response.headers["last-modified"].flatMap(httpDate).map { Int($0.timeIntervalSince1970) } ?? 0
    var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
    _ = utimensat(AT_FDCWD, target, &times, AT_SYMLINK_NOFOLLOW)
    return name
  }

  /// moby's `getFilenameForDownload`: the URL path's last segment unless the path ends in `/`,
  /// else `Content-Disposition`'s `filename`.
  static func fileName(path: String, disposition: String?) -> String {
    if !path.isEmpty, !path.hasSuffix("/"), let last = path.split(separator: "/").last { return String(last) }
    guard let disposition else { return "" }
    for part in disposition.split(separator: ";") {
      let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
      guard pair.count == 2, pair[0].lowercased() == "filename" else { continue }
      let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      if !value.isEmpty, !value.hasSuffix("/"), let last = value.split(separator: "/").last { return String(last) }
    }
    return ""
  }

  /// `Last-Modified` in RFC 1123 (and the two older formats Go's `http.ParseTime` accepts).
  static func httpDate(_ text: String) -> Date? {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
      formatter.dateFormat = format
      if let date = formatter.date(from: text) { return date }
    }
    return nil
  }
}
