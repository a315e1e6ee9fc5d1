import BerthImage
import BerthOCI
import Foundation

/// How Berth talks to registries: which may be reached without verified TLS, how many layers
/// move at once, how uploads are cut, and where credentials live. The defaults come from
/// ``InsecureRegistries`` (daemon flags, daemon.json, `BERTH_INSECURE_REGISTRIES`) and the
/// environment: `BERTH_MAX_CONCURRENT_DOWNLOADS` (3, as dockerd), `BERTH_MAX_CONCURRENT_UPLOADS`
/// (5, as dockerd), `BERTH_UPLOAD_CHUNK_SIZE` (bytes; unset: one streamed request per blob) and
/// `DOCKER_CONFIG`.
public struct RegistryOptions: Sendable {
  /// Registries reached over HTTPS without verification or plain HTTP, besides loopback ones.
  public var insecureRegistries: [String]
  /// Layers downloaded at once.
  public var maxConcurrentDownloads: Int
  /// Layers uploaded at once.
  public var maxConcurrentUploads: Int
  /// The size of one `PATCH` of a chunked upload; nil sends each blob in one streamed `PATCH`.
  public var uploadChunkSize: Int?
  /// The Docker config file holding credentials.
  public var configFile: DockerConfigFile
  /// Credentials that take the place of the config file's (the API's `X-Registry-Auth`).
  public var credentials: RegistryCredentials?

  /// Options from the environment.
  public init() {
    let env = ProcessInfo.processInfo.environment
    // A broken daemon.json stops `berth daemon` at start; here it leaves the other sources.
    insecureRegistries =
      (try? InsecureRegistries.entries())
      ?? (env["BERTH_INSECURE_REGISTRIES"] ?? "").split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespaces)
      }.filter { !$0.isEmpty }
    maxConcurrentDownloads = env["BERTH_MAX_CONCURRENT_DOWNLOADS"].flatMap(Int.init).map { max(1, $0) } ?? 3
    maxConcurrentUploads = env["BERTH_MAX_CONCURRENT_UPLOADS"].flatMap(Int.init).map { max(1, $0) } ?? 5
    uploadChunkSize = env["BERTH_UPLOAD_CHUNK_SIZE"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
    configFile = DockerConfigFile()
  }

  /// Uses these credentials instead of the config file's.
  public mutating func useCredentials(username: String, password: String) {
    credentials = RegistryCredentials(username: username, password: password)
  }

  /// Where a reference's registry is.
  public func host(for reference: Reference) -> RegistryHost {
    var host = RegistryHost(domain: reference.domain, insecureRegistries: insecureRegistries)
    if !host.insecure { host.insecure = InsecureRegistries.matches(reference.domain, entries: insecureRegistries) }
    return host
  }

  /// A client for a reference's registry with the stored credentials.
  public func client(for reference: Reference) throws -> RegistryClient {
    let host = host(for: reference)
    return RegistryClient(host: host, credentials: try credentials ?? configFile.credentials(for: host))
  }
}

/// When `run`, `create` and `build` pull their image (`--pull`).
public enum PullPolicy: String, Sendable, CaseIterable {
  /// Pull only when the image is not here (the default).
  case missing
  /// Pull every time, to get the newest.
  case always
  /// Never pull: a missing image is an error.
  case never
}

/// What a pull or push reports as it goes, in the terms of Docker's progress messages.
public enum TransferEvent: Sendable {
  /// A line about the whole transfer: `Using default tag: latest`, `Digest: …`, `Status: …`.
  case status(String)
  /// A layer's state: `id` is the short digest, `status` Docker's word (`Pulling fs layer`,
  /// `Downloading`, `Download complete`, `Extracting`, `Pull complete`, `Already exists`,
  /// `Preparing`, `Pushing`, `Pushed`, `Layer already exists`, `Mounted from …`), with bytes
  /// done and total while moving.
  case layer(id: String, status: String, current: Int64?, total: Int64?)
}

/// Receives ``TransferEvent``s (called from several tasks at once).
public typealias TransferProgress = @Sendable (TransferEvent) -> Void

/// Runs async engine work from synchronous code (the CLI, the builder): the caller's thread
/// waits while the work runs on the cooperative pool.
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
  let box = BlockingBox<T>()
  let done = DispatchSemaphore(value: 0)
  Task.detached {
    do {
      box.result = .success(try await body())
    } catch {
      box.result = .failure(error)
    }
    done.signal()
  }
  done.wait()
  guard let result = box.result else { throw BerthError.internal("blocking task ended without a result") }
  return try result.get()
}

private final class BlockingBox<T: Sendable>: @unchecked Sendable {
  var result: Result<T, any Error>?
}

/// Runs blocking work (decompression, unpacking, compression) on a thread outside the
/// cooperative pool, so downloads keep flowing while it runs.
func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread.detachNewThread {
      do {
        continuation.resume(returning: try body())
      } catch {
        continuation.resume(throwing: error)
      }
    }
  }
}
