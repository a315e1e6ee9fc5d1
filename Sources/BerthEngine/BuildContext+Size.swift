import BerthBuild
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension BuildContext {
  /// The size of the tar the Docker CLI would send for this context (`Sending build context to
  /// Docker daemon  2.048kB`): a 512-byte header per entry (directories, files, links; the root
  /// itself is not an entry), file contents padded to 512 bytes, a PAX header for names too long
  /// for ustar, and the 1024-byte end. `.dockerignore` applies, except to the Dockerfile and the
  /// ignore file themselves, which the CLI always sends.
  public var transferSize: Int {
    var total = 1024
    func walk(_ relative: String) {
      let full = relative.isEmpty ? directory : directory + "/" + relative
      for name in FileSystem.list(full) {
        let rel = relative.isEmpty ? name : relative + "/" + name
        var st = stat()
        guard lstat(directory + "/" + rel, &st) == 0 else { continue }
        let isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
        let alwaysSent = rel == dockerfileName || rel == ".dockerignore" || rel == dockerfileName + ".dockerignore"
        let excluded = !alwaysSent && (filter?.excludes(rel) ?? false)
        if !excluded {
          total += 512
          let nameLength = rel.utf8.count + (isDirectory ? 1 : 0)
          if nameLength > 100 { total += 1024 }
          if (st.st_mode & S_IFMT) == S_IFREG { total += (Int(st.st_size) + 511) / 512 * 512 }
        }
        if isDirectory && (!excluded || (filter?.hasExceptions ?? false)) { walk(rel) }
      }
    }
    walk("")
    return total
  }

  /// Docker's `units.HumanSize` (decimal units, four significant digits): `2.048kB`, `13.1MB`.
  public static func humanSize(_ bytes: Int) -> String {
    var value = Double(bytes)
    var unit = 0
    let units = ["B", "kB", "MB", "GB", "TB", "PB"]
    while value >= 1000 && unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    return goGeneral(value, precision: 4) + units[unit]
  }

  /// Go's `%.4g` for the positive values above: no exponent, trailing zeros removed.
  static func goGeneral(_ value: Double, precision: Int) -> String {
    var digits = 1
    var magnitude = 10.0
    while value >= magnitude && digits < precision {
      digits += 1
      magnitude *= 10
    }
    var text = String(format: "%.\(max(precision - digits, 0))f", value)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }
}
