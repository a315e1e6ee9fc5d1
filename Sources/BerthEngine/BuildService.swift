import BerthBuild
import BerthImage
import BerthOCI
import BerthSystem
import Foundation

/// `docker build` with Docker's classic builder semantics: every step of a stage runs on the
/// image the previous step made; RUN in a real container whose overlay upper directory becomes
/// the step's layer, COPY/ADD through an overlay mount, metadata steps as config changes with an
/// `empty_layer` history entry. Steps are cached by parent, recorded command and config.
///
/// Intermediate images are written to the content store but not listed: only the final image is
/// registered (and, while a RUN container uses it, its parent).
public final class BuildService: Sendable {
  let paths: Paths
  let images: ImageService
  let containers: ContainerService
  let cache: BuildCache

  init(paths: Paths, images: ImageService, containers: ContainerService) throws {
    self.paths = paths
    self.images = images
    self.containers = containers
    cache = try BuildCache(dataRoot: paths.dataRoot, content: images.content, layers: images.layers)
  }

  /// The state of a stage between steps.
  struct StageState {
    /// The image so far (nil for `FROM scratch` before any step).
    var image: Digest?
    /// Its config.
    var config: ImageConfig
    /// Whether this stage set CMD (ENTRYPOINT then keeps it).
    var cmdSet = false

    var container: ContainerConfig {
      get { config.config ?? ContainerConfig() }
      set { config.config = newValue }
    }

    var shell: [String] { container.shell ?? ["/bin/sh", "-c"] }
    var env: [String] { container.env ?? [] }
  }

  /// Builds the request's target and tags it; returns the image id. Progress goes to `events`,
  /// RUN output to the request's output descriptor. A failure leaves no container, mount or layer
  /// of the failed step, and tags nothing.
  public func build(_ request: BuildRequest, events: (BuildEvent) -> Void) throws -> Digest {
    var plan = request.plan
    let tags = try request.tags.map { try parseReference($0) }
    let order = try plan.stagesToBuild(target: request.target)
    if !request.labels.isEmpty, let last = order.last {
      let pairs = request.labels.sorted { $0.key < $1.key }.map { KeyValue($0.key, $0.value) }
      let text = "LABEL " + pairs.map { "\"\($0.key)\"=\"\($0.value)\"" }.joined(separator: " ")
      plan.stages[last].instructions.append(BuildInstruction(text: text, step: .label(pairs)))
    }
    let total = order.reduce(0) { $0 + 1 + plan.stages[$1].instructions.count }
    var args = BuildArgs(given: request.buildArgs)
    args.declareGlobal(plan.globalArgs)
    var results: [Int: StageState] = [:]
    var number = 0
    var final: StageState?
    for index in order {
      let stage = plan.stages[index]
      number += 1
      events(.step(index: number, total: total, text: stage.fromText))
      var state = try baseState(stage.base, stageIndex: index, plan: plan, results: results, request: request)
      args.beginStage()
      try runTriggers(
        &state, args: &args, request: request, plan: plan, stageIndex: index, results: results, events: events)
      if let image = state.image { events(.stepImage(image)) }
      for instruction in stage.instructions {
        number += 1
        events(.step(index: number, total: total, text: instruction.text))
        let step = try instruction.resolve(args.scope(env: state.env))
        try execute(
          step, state: &state, args: &args, request: request, plan: plan, stageIndex: index, results: results,
          events: events)
        if let image = state.image { events(.stepImage(image)) }
      }
      results[index] = state
      final = state
    }
    guard var result = final else { throw BerthError.invalid("the Dockerfile has no FROM instruction") }
    for name in args.unconsumed {
      events(.warning("One or more build-args [\(name)] were not consumed"))
    }
    if result.image == nil { result = try emptyImage(result, request: request) }
    guard let id = result.image else { throw BerthError.internal("build produced no image") }
    try images.registerBuilt(id, config: result.config, tags: tags)
    events(.built(id))
    for tag in tags { events(.tagged(tag.familiarString)) }
    return id
  }

  /// The state a stage starts from: an earlier stage's result, scratch, or an image.
  func baseState(
    _ base: String, stageIndex: Int, plan: BuildPlan, results: [Int: StageState], request: BuildRequest
  ) throws -> StageState {
    var state: StageState
    if let earlier = plan.stageIndex(base, before: stageIndex), Int(base) == nil, let result = results[earlier] {
      state = result
    } else if base == "scratch" {
      state = StageState(image: nil, config: ImageConfig(architecture: "amd64", os: "linux", config: ContainerConfig()))
    } else {
      let image = try images.ensure(base, policy: request.pull, progress: request.pullProgress)
      state = StageState(image: image.id, config: try images.config(of: image))
    }
    state.cmdSet = false
    var container = state.container
    if !(container.env ?? []).contains(where: { $0.hasPrefix("PATH=") }) {
      container.env = (container.env ?? []) + ["PATH=" + ContainerConfig.defaultPath]
    }
    container.openStdin = nil
    container.stdinOnce = nil
    state.container = container
    return state
  }

  /// The base image's `ONBUILD` triggers, run in order right after FROM as Docker's builder
  /// does (`# Executing 2 build triggers`, no step lines); the stage's config drops them.
  func runTriggers(
    _ state: inout StageState, args: inout BuildArgs, request: BuildRequest, plan: BuildPlan, stageIndex: Int,
    results: [Int: StageState], events: (BuildEvent) -> Void
  ) throws {
    guard let triggers = state.container.onBuild, !triggers.isEmpty else { return }
    state.container.onBuild = nil
    events(.executingTriggers(triggers.count))
    for instruction in try BuildPlan.triggers(triggers) {
      let step = try instruction.resolve(args.scope(env: state.env))
      try execute(
        step, state: &state, args: &args, request: request, plan: plan, stageIndex: stageIndex, results: results,
        events: events)
    }
  }

  /// Runs one step on state.
  func execute(
    _ step: BuildStep, state: inout StageState, args: inout BuildArgs, request: BuildRequest, plan: BuildPlan,
    stageIndex: Int, results: [Int: StageState], events: (BuildEvent) -> Void
  ) throws {
    switch step {
    case .run(let command):
      try run(command, state: &state, args: args, request: request, events: events)
    case .copy(let copy):
      let source = try copySource(copy, request: request, plan: plan, stageIndex: stageIndex, results: results)
      try self.copy(copy, from: source, state: &state, request: request, events: events)
    case .workdir(let path):
      try workdir(path, state: &state, request: request, events: events)
    case .arg(let declarations):
      for declaration in declarations { args.declare(declaration) }
      try metadata(step, state: &state, request: request, events: events)
    default:
      try metadata(step, state: &state, request: request, events: events)
    }
  }
}
