import BerthBuild
import BerthOCI

/// What `berth build` asks for: the plan of a parsed Dockerfile, the context and the options.
public struct BuildRequest: Sendable {
  /// The stages and instructions.
  public var plan: BuildPlan
  /// The build context's directory.
  public var contextDirectory: String
  /// `.dockerignore`: paths of the context COPY/ADD cannot see.
  public var contextFilter: (any ContextFilter)?
  /// `-t`: names to tag the result with.
  public var tags: [String] = []
  /// `--build-arg K=V`; a nil value is an argument given without `=` and absent from the client's
  /// environment.
  public var buildArgs: [String: String?] = [:]
  /// `--target`.
  public var target: String?
  /// `--no-cache`.
  public var noCache = false
  /// `--label`, added to the final image as a last LABEL step (as Docker does).
  public var labels: [String: String] = [:]
  /// `--network` for RUN: `default` (the default bridge, with NAT, as Docker), `host` or `none`.
  public var network = "default"
  /// `--add-host host:ip`: lines added to the RUN containers' /etc/hosts.
  public var addHosts: [String] = []
  /// `SOURCE_DATE_EPOCH`: when set, every `created` time is this instant, so the same
  /// Dockerfile and context give the same image id. File times in layers are always
  /// normalised (to this instant, or to 0).
  public var sourceDateEpoch: Int?
  /// When FROM and `COPY --from=<image>` images are pulled (`--pull` is `always`).
  public var pull: PullPolicy = .missing
  /// Where pull progress goes.
  public var pullProgress: TransferProgress = { _ in }
  /// Where RUN output goes (a file descriptor of this process; -1 discards it).
  public var outputFD: Int32 = 1
  /// `--cache-from`: when given, a cached step is used only when it is in the history of one of
  /// these images (as Docker's classic builder), not any step of the local cache.
  public var cacheFrom: [String] = []
  /// Where RUN's stderr goes (nil: with its stdout to `outputFD`).
  public var errorFD: Int32?

  /// A request to build plan in the context directory.
  public init(plan: BuildPlan, contextDirectory: String) {
    self.plan = plan
    self.contextDirectory = contextDirectory
  }
}

/// Progress of a build, in the order Docker's classic builder prints it.
public enum BuildEvent: Sendable, Equatable {
  /// `Step 3/8 : WORKDIR /app`.
  case step(index: Int, total: Int, text: String)
  /// `# Executing 2 build triggers`: the base image's ONBUILD triggers run next.
  case executingTriggers(Int)
  /// ` ---> Using cache`.
  case usingCache
  /// ` ---> Running in 1a2b3c4d5e6f`.
  case runningIn(String)
  /// `Removing intermediate container 1a2b3c4d5e6f`.
  case removingIntermediate(String)
  /// ` ---> 1a2b3c4d5e6f`: the image after a step.
  case stepImage(Digest)
  /// `[Warning] …`.
  case warning(String)
  /// `Successfully built 1a2b3c4d5e6f`.
  case built(Digest)
  /// `Successfully tagged friendlyhello:latest`.
  case tagged(String)
}
