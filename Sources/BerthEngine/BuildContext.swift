import BerthBuild
import BerthDockerfile
import BerthImage
import BerthOCI
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A build context ready to build from: its directory, the Dockerfile's text and the
/// `.dockerignore` filter. A context read from stdin lives in the data root's tmp directory until
/// `close()`.
public struct BuildContext: Sendable {
  /// The context's directory.
  public var directory: String
  /// The Dockerfile's text.
  public var dockerfile: String
  /// The Dockerfile's name for error messages.
  public var dockerfileName: String
  /// The `.dockerignore` (or `<Dockerfile>.dockerignore`) patterns.
  public var filter: DockerignoreMatcher?
  /// A temporary directory to remove when done.
  var temporary: String?

  /// Removes a temporary context.
  public func close() {
    if let temporary { try? FileSystem.removeTree(temporary) }
  }
}

extension BuildService {
  /// Reads the context as `docker build` does: a directory (with `-f` relative to the current
  /// directory, `CONTEXT/Dockerfile` by default), or `-`: a tar on stdin (a context holding the
  /// Dockerfile) or a lone Dockerfile.
  public func prepareContext(_ path: String, dockerfile: String?) throws -> BuildContext {
    var context: BuildContext
    if path == "-" {
      let dir = "\(paths.tmp)/buildctx-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
      try FileSystem.makeDirectory(dir + "/context")
      do {
        try images.spool(fd: 0, to: dir + "/stdin")
        if LayerArchive.isTarArchive(dir + "/stdin") {
          try LayerArchive.extract(archive: dir + "/stdin", into: dir + "/context", whiteouts: false)
          let name = dockerfile ?? "Dockerfile"
          context = BuildContext(
            directory: dir + "/context", dockerfile: try readDockerfile(dir + "/context/" + name, display: name),
            dockerfileName: name, temporary: dir)
        } else {
          let text = String(decoding: try FileSystem.read(dir + "/stdin"), as: UTF8.self)
          context = BuildContext(
            directory: dir + "/context", dockerfile: text, dockerfileName: "Dockerfile", temporary: dir)
        }
        unlink(dir + "/stdin")
      } catch {
        try? FileSystem.removeTree(dir)
        throw error
      }
    } else {
      guard FileSystem.isDirectory(path) else {
        throw BerthError.notFound("unable to prepare context: path \"\(path)\" not found")
      }
      let file = dockerfile ?? path + "/Dockerfile"
      context = BuildContext(
        directory: path, dockerfile: try readDockerfile(file, display: absolute(file)),
        dockerfileName: PathName.base(file))
    }
    for ignore in [context.dockerfileName + ".dockerignore", ".dockerignore"] {
      guard let bytes = try? FileSystem.read(context.directory + "/" + ignore) else { continue }
      do {
        context.filter = try DockerignoreMatcher(parsing: String(decoding: bytes, as: UTF8.self), file: ignore)
      } catch {
        context.close()
        throw BerthError.invalid(error.description)
      }
      break
    }
    return context
  }

  /// The plan of a context's Dockerfile.
  public func plan(_ context: BuildContext, buildArgs: [String: String?]) throws -> BuildPlan {
    let parsed: Dockerfile
    do {
      parsed = try Dockerfile(parsing: context.dockerfile, file: context.dockerfileName)
    } catch {
      throw BerthError.invalid(error.description)
    }
    return try BuildPlan(dockerfile: parsed, buildArgs: buildArgs)
  }

  private func readDockerfile(_ path: String, display: String) throws -> String {
    do {
      return String(decoding: try FileSystem.read(path), as: UTF8.self)
    } catch {
      throw BerthError.notFound(
        "unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat \(display): no such file or directory"
      )
    }
  }

  private func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  }
}
