import BerthOCI
import BerthSystem
import Foundation

import struct Crypto.SHA256

#if canImport(Glibc)
import Glibc
#endif

/// Writes COPY/ADD sources into a root filesystem (a mounted overlay whose upper directory becomes
/// the step's layer) with Docker's semantics:
///
/// - a directory source copies its contents; a file source lands at the destination, or inside
///   it when the destination ends in `/` or is an existing directory;
/// - several sources need a destination ending in `/`;
/// - missing parent directories are made with mode 0755 and the copy's owner;
/// - everything copied is owned by `owner` (root by default) and keeps its mode unless `chmod`;
/// - the destination resolves inside the root (symlinks in the image cannot lead out).
public struct FileCopier: Sendable {
  /// The root filesystem written to.
  public var root: String
  /// Owner of everything copied.
  public var uid: UInt32
  /// Group of everything copied.
  public var gid: UInt32
  /// `--chmod`, applied to files and directories copied.
  public var chmod: UInt32?
  /// The .dockerignore filter of a context source.
  public var filter: (any ContextFilter)?

  /// A copier into root.
  public init(root: String, uid: UInt32 = 0, gid: UInt32 = 0, chmod: UInt32? = nil, filter: (any ContextFilter)? = nil)
  {
    self.root = root
    self.uid = uid
    self.gid = gid
    self.chmod = chmod
    self.filter = filter
  }

  /// Copies sources to the absolute container path destination.
  public func copy(_ sources: [CopySource], to destination: String, command: String = "COPY") throws {
    let wantsDirectory = destination.hasSuffix("/")
    if sources.count > 1 && !wantsDirectory {
      throw BerthError.invalid(
        "When using \(command) with more than one source file, the destination must be a directory and end with a /")
    }
    for source in sources {
      if source.isDirectory {
        let target = try makeDirectories(destination, modeOfNew: nil)
        let sourceFilter = filter.map { PrefixedFilter(base: source.relative, inner: $0) }
        try copyContents(
          of: source.path, to: target.path, filter: sourceFilter, newTop: target.created, top: source.path)
      } else {
        var st = stat()
        try syscall("stat", source.path) { stat(source.path, &st) }
        let existing = try ScopedPath.resolve(destination, in: root)
        let intoDirectory = wantsDirectory || FileSystem.isDirectory(existing)
        let name = source.name.isEmpty ? PathName.base(source.path) : source.name
        let path = intoDirectory ? destination + "/" + name : destination
        let parent = try makeDirectories(PathName.parent(path), modeOfNew: nil)
        try copyEntry(source.path, st: st, to: parent.path + "/" + PathName.base(path))
      }
    }
  }

  /// Makes the container directory path and its missing parents (mode 0755, or `modeOfNew`,
  /// owned by the copy's owner); returns its host path and whether the last one was made.
  @discardableResult
  public func makeDirectories(_ path: String, modeOfNew: mode_t?) throws -> (path: String, created: Bool) {
    let resolved = try ScopedPath.resolve(path, in: root)
    var current = root
    var created = false
    for part in resolved.dropFirst(root.count).split(separator: "/") {
      current += "/" + part
      var st = stat()
      if lstat(current, &st) == 0 {
        created = false
        if (st.st_mode & S_IFMT) == S_IFDIR { continue }
        throw BerthError.invalid("mkdir \(current.dropFirst(root.count)): not a directory")
      }
      let dir = current
      try syscall("mkdir", dir) { mkdir(dir, 0o755) }
      try syscall("chown", dir) { lchown(dir, uid, gid) }
      try syscall("chmod", dir) { Glibc.chmod(dir, modeOfNew ?? 0o755) }
      created = true
    }
    return (resolved, created)
  }

  private func copyContents(
    of source: String, to target: String, filter: (any ContextFilter)?, newTop: Bool, top: String
  )
    throws
  {
    if newTop {
      var st = stat()
      try syscall("stat", source) { stat(source, &st) }
      try syscall("chmod", target) { Glibc.chmod(target, chmod.map { mode_t($0) } ?? (st.st_mode & 0o7777)) }
    }
    var failure: (any Error)?
    let exceptions = filter?.hasExceptions ?? false
    CopySources.walk(source, "", filter: filter) { rel, st in
      guard failure == nil else { return }
      do {
        // A `!` exception can bring back an entry whose excluded parents were not copied: they
        // are made as Docker's extraction makes them (0755, the copy's owner).
        if exceptions { try makeParents(of: rel, in: target) }
        try copyEntry(source + "/" + rel, st: st, to: target + "/" + rel)
      } catch { failure = error }
    }
    if let failure { throw failure }
  }

  private func makeParents(of relative: String, in target: String) throws {
    var current = target
    for part in relative.split(separator: "/").dropLast() {
      current += "/" + part
      var st = stat()
      guard lstat(current, &st) != 0 else { continue }
      let dir = current
      try syscall("mkdir", dir) { mkdir(dir, 0o755) }
      try syscall("chown", dir) { lchown(dir, uid, gid) }
    }
  }

  /// Copies one entry (not a directory's contents: the walk visits those).
  private func copyEntry(_ source: String, st: stat, to target: String) throws {
    let type = st.st_mode & S_IFMT
    var existing = stat()
    let exists = lstat(target, &existing) == 0
    if exists && !(type == S_IFDIR && (existing.st_mode & S_IFMT) == S_IFDIR) {
      try FileSystem.removeTree(target)
    }
    let mode = chmod.map { mode_t($0) } ?? (st.st_mode & 0o7777)
    switch type {
    case S_IFDIR:
      if !(exists && (existing.st_mode & S_IFMT) == S_IFDIR) {
        try syscall("mkdir", target) { mkdir(target, 0o700) }
      }
      try syscall("chown", target) { lchown(target, uid, gid) }
      try syscall("chmod", target) { Glibc.chmod(target, mode) }
    case S_IFREG:
      try copyFile(source, to: target, mode: mode)
    case S_IFLNK:
      let link = try ScopedPath.readLink(source)
      try syscall("symlink", target) { symlink(link, target) }
      try syscall("lchown", target) { lchown(target, uid, gid) }
    case S_IFIFO:
      try syscall("mkfifo", target) { mkfifo(target, mode) }
      try syscall("chown", target) { lchown(target, uid, gid) }
    default:
      return  // devices and sockets are not copied
    }
  }

  private func copyFile(_ source: String, to target: String, mode: mode_t) throws {
    let input = try syscall("open", source) { open(source, O_RDONLY | O_CLOEXEC) }
    defer { close(input) }
    let output = try syscall("open", target) {
      open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    }
    defer { close(output) }
    var buffer = [UInt8](repeating: 0, count: 1 << 17)
    while true {
      let n = try syscall("read", source) { buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) } }
      if n == 0 { break }
      try FileSystem.writeAll(output, Array(buffer[0..<n]), path: target)
    }
    try syscall("fchown", target) { fchown(output, uid, gid) }
    try syscall("fchmod", target) { fchmod(output, mode) }
  }

  /// The sha256 of a file's contents, hex.
  public static func hashContents(_ path: String) throws -> String {
    let fd = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
    defer { close(fd) }
    var hasher = SHA256()
    var buffer = [UInt8](repeating: 0, count: 1 << 17)
    while true {
      let n = try syscall("read", path) { buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
      if n == 0 { break }
      buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }
    return Hex.string(hasher.finalize())
  }
}
