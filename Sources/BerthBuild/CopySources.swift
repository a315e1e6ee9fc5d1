import BerthImage
import BerthOCI
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One resolved COPY/ADD source.
public struct CopySource: Sendable, Hashable {
  /// The host path (symlinks resolved inside the root).
  public var path: String
  /// The path relative to the root (for the .dockerignore filter), "" for the root itself.
  public var relative: String
  /// Whether it is a directory (its contents are copied).
  public var isDirectory: Bool
  /// `file:<hex>` or `dir:<hex>`: content, mode and owner of everything copied, never mtimes.
  public var hash: String
  /// The name the source was given by (a symlink's name, not its target's): a file source keeps
  /// it at a directory destination, as Docker does.
  public var name = ""
}

/// Finds COPY/ADD sources in a root (the build context, or a stage's or image's filesystem) with
/// Docker's rules: paths are relative to the root and may not leave it, symlinks resolve inside
/// it, `*`, `?` and `[…]` match within one path component, excluded paths do not exist.
public enum CopySources {
  /// Resolves the sources (already variable-expanded). `inContext` selects Docker's messages
  /// for a build context.
  public static func resolve(
    _ sources: [String], in root: String, filter: (any ContextFilter)?, inContext: Bool
  ) throws -> [CopySource] {
    var result: [CopySource] = []
    for source in sources {
      guard let parts = ScopedPath.clean(source.hasPrefix("/") ? String(source.dropFirst()) : source) else {
        throw BerthError.invalid("forbidden path outside the build context: \(source) ()")
      }
      let relative = parts.joined(separator: "/")
      if source.contains(where: { "*?[".contains($0) }) {
        var matches: [String] = []
        walk(root, "", filter: filter) { rel, _ in
          if fnmatch(relative, rel, FNM_PATHNAME) == 0 { matches.append(rel) }
        }
        guard !matches.isEmpty else { throw BerthError.invalid("no source files were specified") }
        for match in matches { result.append(try single(match, in: root, filter: filter, inContext: inContext)) }
      } else {
        result.append(try single(relative, in: root, filter: filter, inContext: inContext))
      }
    }
    return result
  }

  /// `multi:<hex>` over several sources' hashes, or the one source's hash.
  public static func combinedHash(_ sources: [CopySource]) -> String {
    if sources.count == 1 { return sources[0].hash }
    return "multi:" + Digest.sha256(of: Array(sources.map(\.hash).joined(separator: ",").utf8)).hex
  }

  private static func single(_ relative: String, in root: String, filter: (any ContextFilter)?, inContext: Bool)
    throws -> CopySource
  {
    let path = try ScopedPath.resolve(relative, in: root)
    let resolvedRelative = path == root ? "" : String(path.dropFirst(root.count + 1))
    var st = stat()
    let excluded = !resolvedRelative.isEmpty && (filter?.isExcluded(resolvedRelative) ?? false)
    guard stat(path, &st) == 0, !excluded else {
      let message =
        inContext
        ? "file not found in build context or excluded by .dockerignore: stat \(relative): file does not exist"
        : "stat \(relative): file does not exist"
      throw BerthError.notFound(message)
    }
    let isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
    let hash: String
    if isDirectory {
      var lines: [String] = []
      walk(path, "", filter: filter.map { PrefixedFilter(base: resolvedRelative, inner: $0) }) { rel, entry in
        lines.append(rel + "\u{0}" + ((try? describe(path + "/" + rel, entry)) ?? "?"))
      }
      lines.insert("." + "\u{0}" + ((try? describe(path, st)) ?? "?"), at: 0)
      hash = "dir:" + Digest.sha256(of: Array(lines.joined(separator: "\n").utf8)).hex
    } else {
      hash = "file:" + Digest.sha256(of: Array(try describe(path, st).utf8)).hex
    }
    var source = CopySource(path: path, relative: resolvedRelative, isDirectory: isDirectory, hash: hash)
    source.name = relative.split(separator: "/").last.map(String.init) ?? ""
    return source
  }

  /// Type, mode, owner, size, link target and content hash of one entry (never its mtime).
  static func describe(_ path: String, _ st: stat) throws -> String {
    let type = st.st_mode & S_IFMT
    var text = "\(type) \(st.st_mode & 0o7777) \(st.st_uid):\(st.st_gid)"
    if type == S_IFREG {
      text += " \(st.st_size) " + (try FileCopier.hashContents(path))
    } else if type == S_IFLNK {
      text += " -> " + (try ScopedPath.readLink(path))
    } else if type == S_IFCHR || type == S_IFBLK {
      text += " dev \(st.st_rdev)"
    }
    return text
  }

  /// Visits every entry below dir (not dir itself) in byte-wise sorted order, parents first,
  /// skipping excluded paths (and, without exceptions, everything below an excluded directory).
  static func walk(
    _ dir: String, _ relative: String, filter: (any ContextFilter)?, _ visit: (String, stat) -> Void
  ) {
    let full = relative.isEmpty ? dir : dir + "/" + relative
    for name in FileSystem.list(full).sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
      let rel = relative.isEmpty ? name : relative + "/" + name
      var st = stat()
      guard lstat(dir + "/" + rel, &st) == 0 else { continue }
      let excluded = filter?.isExcluded(rel) ?? false
      let isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
      if !excluded { visit(rel, st) }
      if isDirectory && (!excluded || (filter?.hasExceptions ?? false)) {
        walk(dir, rel, filter: filter, visit)
      }
    }
  }
}

/// A filter for paths below `base`: asks the inner filter about `base/path`.
struct PrefixedFilter: ContextFilter {
  let base: String
  let inner: any ContextFilter

  func isExcluded(_ relativePath: String) -> Bool {
    inner.isExcluded(base.isEmpty ? relativePath : base + "/" + relativePath)
  }

  var hasExceptions: Bool { inner.hasExceptions }
}
