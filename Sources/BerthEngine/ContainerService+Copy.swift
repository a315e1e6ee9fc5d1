import BerthImage
import BerthOCI
import BerthRuntime
import BerthSystem
import CBerth

#if canImport(Glibc)
import Glibc
#endif

/// `docker cp` options.
public struct CopyOptions: Sendable {
  /// `-L`: follow a symlink named as the source.
  public var followLink = false
  /// `-a`: into a container, files become the container's user's (when it has one); out of a
  /// container, files keep their owners (otherwise they become the caller's, as Docker's CLI
  /// makes them).
  public var archive = false

  /// Docker's defaults.
  public init() {}
}

/// `cp` in both directions, with Docker's rules for files, directories, a trailing `/` and a
/// trailing `/.`. Every container path is resolved inside the container's root (see
/// `RootedDirectory`): no symlink in the container can make `cp` read or write a host file.
extension ContainerService {
  /// Copies SRC_PATH of a container to a host path, or as a tar to fd when `destination` is
  /// `-` (fd 1 by default).
  public func copy(
    from ref: String, path: String, to destination: String, options: CopyOptions = .init(), stdout: Int32 = 1
  ) throws {
    let c = try get(ref)
    let (root, source) = try openCopyRoot(c, path: path)
    let asDirectory = path.hasSuffix("/") || path.hasSuffix("/.") || path == "."
    let contentsOnly = path.hasSuffix("/.") || path == "."
    guard let st = try root.status(source, followLast: options.followLink || asDirectory) else {
      throw notFoundInContainer(path, ref)
    }
    let isDir = (st.st_mode & S_IFMT) == S_IFDIR
    if asDirectory && !isDir { throw BerthError.invalid("\(path): not a directory") }
    let fd = try openSource(root, source, follow: options.followLink || asDirectory)
    defer { close(fd) }
    let shown = RootedDirectory.clean(path)
    let name = shown == "/" ? "." : PathName.base(shown)
    var walker = TreeWalker()

    if destination == "-" {
      let archive = try TreeArchive(fd: stdout)
      try walker.walk(fd: fd, as: contentsOnly && isDir ? "." : name) { entry, file in
        try archive.add(entry, contents: file)
      }
      try archive.close()
      return
    }
    let target = try hostTarget(destination, sourceIsDir: isDir, contentsOnly: contentsOnly, sourceName: name)
    let extractor = TreeExtractor(
      root: try RootedDirectory(path: target.directory), directory: "/",
      ownership: options.archive ? .keep : .caller)
    try walker.walk(fd: fd, as: target.name) { entry, file in
      try extractor.add(entry) { buffer in try Self.readChunk(file, into: buffer) }
    }
    extractor.finish()
  }

  /// Copies a host path into a container at `path`, or a tar read from fd when `source` is `-`
  /// (fd 0 by default).
  public func copy(
    to ref: String, path: String, from source: String, options: CopyOptions = .init(), stdin: Int32 = 0
  ) throws {
    let c = try get(ref)
    let (root, destination) = try openCopyRoot(c, path: path, writing: true)
    var ownership = TreeExtractor.Ownership.keep
    if options.archive, let user = c.config.config.user, !user.isEmpty {
      let image = try images.decodeConfig(c.imageID)
      let upper = paths.container(c.id) + "/upper"
      let resolved = try UserLookup.resolve(
        user, passwd: images.readFile("/etc/passwd", in: image, upper: upper),
        group: images.readFile("/etc/group", in: image, upper: upper))
      ownership = .fixed(uid: resolved.uid, gid: resolved.gid)
    }
    let destStatus = try root.status(destination, followLast: true)
    let destIsDir = destStatus.map { ($0.st_mode & S_IFMT) == S_IFDIR } ?? false

    if source == "-" {
      guard destIsDir else { throw BerthError.invalid("destination \"\(c.name):\(path)\" must be a directory") }
      let extractor = TreeExtractor(root: root, directory: destination, ownership: ownership)
      try extractor.extractTar(fd: stdin)
      extractor.finish()
      return
    }
    let follow = options.followLink || source.hasSuffix("/") || source.hasSuffix("/.")
    var st = stat()
    let statResult = follow ? stat(source, &st) : lstat(source, &st)
    guard statResult == 0 else {
      throw BerthError.notFound("\(follow ? "stat" : "lstat") \(source): \(String(cString: strerror(errno)))")
    }
    let isDir = (st.st_mode & S_IFMT) == S_IFDIR
    let contentsOnly = source.hasSuffix("/.") || source == "."
    let sourceName = PathName.base(RootedDirectory.clean(source))

    let directory: String
    let name: String
    if let destStatus {
      if destIsDir {
        directory = destination
        name = isDir && contentsOnly ? "." : sourceName
      } else if isDir {
        throw BerthError.invalid("cannot copy directory")
      } else if (destStatus.st_mode & S_IFMT) != S_IFREG {
        throw BerthError.invalid("destination \"\(c.name):\(path)\" must be a directory or a regular file")
      } else {
        (directory, name) = RootedDirectory.split(destination)
      }
    } else {
      if path.hasSuffix("/") && !isDir { throw notFoundInContainer(path, ref) }
      let (parent, base) = RootedDirectory.split(destination)
      guard let p = try root.status(parent, followLast: true), (p.st_mode & S_IFMT) == S_IFDIR else {
        throw notFoundInContainer(parent, ref)
      }
      (directory, name) = (parent, base)
    }
    let fd = try syscall("open", source) { open(source, BERTH_O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW)) }
    defer { close(fd) }
    let extractor = TreeExtractor(root: root, directory: directory, ownership: ownership)
    var walker = TreeWalker()
    try walker.walk(fd: fd, as: name) { entry, file in
      try extractor.add(entry) { buffer in try Self.readChunk(file, into: buffer) }
    }
    extractor.finish()
  }

  /// Docker's error for a path a container does not have.
  func notFoundInContainer(_ path: String, _ ref: String) -> BerthError {
    BerthError.notFound("Could not find the file \(path) in container \(ref)")
  }

  /// An `BERTH_O_PATH` descriptor of a container path: its directories resolved inside the root, its
  /// last component followed (inside the root) only with `follow`.
  private func openSource(_ root: RootedDirectory, _ path: String, follow: Bool) throws -> Int32 {
    if follow || path == "/" { return try root.open(path, BERTH_O_PATH) }
    let (parent, name) = RootedDirectory.split(path)
    let dir = try root.open(parent, BERTH_O_PATH | O_DIRECTORY)
    defer { close(dir) }
    return try syscall("open", path) { openat(dir, name, BERTH_O_PATH | O_NOFOLLOW | O_CLOEXEC) }
  }

  /// Where a copy out of a container lands on the host: the directory it is written into and
  /// the name its top entry gets there (`.` for a directory's contents).
  private func hostTarget(_ destination: String, sourceIsDir: Bool, contentsOnly: Bool, sourceName: String) throws
    -> (directory: String, name: String)
  {
    var st = stat()
    if stat(destination, &st) == 0 {
      if (st.st_mode & S_IFMT) == S_IFDIR {
        return (destination, sourceIsDir && contentsOnly ? "." : sourceName)
      }
      if sourceIsDir { throw BerthError.invalid("cannot copy directory") }
      return (Self.hostParent(destination), PathName.base(destination))
    }
    if destination.hasSuffix("/") && !sourceIsDir {
      throw BerthError.notFound("destination directory \(destination) does not exist")
    }
    var trimmed = destination
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
    let parent = Self.hostParent(trimmed)
    guard FileSystem.isDirectory(parent) else {
      throw BerthError.notFound("lstat \(parent): no such file or directory")
    }
    return (parent, PathName.base(trimmed))
  }

  private static func hostParent(_ path: String) -> String {
    let parent = PathName.parent(path)
    return parent.isEmpty ? "." : parent
  }

  static func readChunk(_ fd: Int32?, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    guard let fd else { return 0 }
    return try syscall("read", "") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
  }
}
