import BerthDockerfile
import BerthOCI

extension DockerignoreMatcher: ContextFilter {
  /// ``excludes(_:)``.
  public func isExcluded(_ relativePath: String) -> Bool { excludes(relativePath) }
}

extension BuildPlan {
  /// The plan of a parsed Dockerfile: FROM lines expanded with the global ARGs and `buildArgs`,
  /// every other instruction expanded when it runs, in the scope of that moment.
  public init(dockerfile: Dockerfile, buildArgs: [String: String?]) throws {
    let given = buildArgs.compactMapValues { $0 }
    let global: BuildScope
    do {
      global = try BuildScope.globalScope(for: dockerfile, buildArguments: given)
    } catch {
      throw BerthError.invalid(error.description)
    }
    var globalArgs: [ArgDeclaration] = []
    for step in dockerfile.globalArguments {
      guard case .arg(let definitions) = step.instruction else { continue }
      globalArgs += definitions.map { ArgDeclaration($0.name, global.argumentValues[$0.name]) }
    }
    let escape = dockerfile.escapeCharacter
    let file = dockerfile.file
    var stages: [PlannedStage] = []
    for stage in dockerfile.stages {
      let base: String
      do {
        base = try ShellWordExpander(escapeCharacter: escape).expand(stage.baseImage, in: global)
      } catch {
        throw BerthError.invalid("\(file):\(stage.fromStep.startLine): \(error.description)")
      }
      let instructions = stage.steps.map { step in
        var reference: String?
        if case .copy(let copy) = step.instruction { reference = copy.from }
        return BuildInstruction(text: step.displayText, stageReference: reference) { scope in
          try Self.step(step, scope: scope, escape: escape, file: file)
        }
      }
      stages.append(
        PlannedStage(name: stage.name, base: base, fromText: stage.fromStep.displayText, instructions: instructions))
    }
    self.init(globalArgs: globalArgs, stages: stages)
  }

  /// Expands one instruction in scope and converts it to a step.
  static func step(_ step: DockerfileStep, scope: VariableScope, escape: Unicode.Scalar, file: String) throws
    -> BuildStep
  {
    let buildScope = BuildScope(baseEnvironment: scope.entries, escapeCharacter: escape)
    let instruction: Instruction
    do {
      instruction = try step.expanded(in: buildScope, escapeCharacter: escape, file: file)
    } catch {
      throw BerthError.invalid(error.description)
    }
    func command(_ form: BerthDockerfile.CommandForm) -> StepCommand {
      switch form {
      case .exec(let args): return .exec(args)
      case .shell(let line): return .shell(line)
      }
    }
    switch instruction {
    case .from: throw BerthError.invalid("\(file):\(step.startLine): FROM inside a stage is not supported")
    case .run(let run):
      // Docker's classic builder refuses BuildKit's RUN options; Berth follows it.
      if !run.mounts.isEmpty { throw BerthError.invalid(Self.requiresBuildKit("mount")) }
      for (flag, given) in [("network", run.network != nil), ("security", run.security != nil)] where given {
        throw BerthError.invalid("\(file):\(step.startLine): Unknown flag: \(flag)")
      }
      if !run.devices.isEmpty { throw BerthError.invalid("\(file):\(step.startLine): Unknown flag: device") }
      return .run(try Self.heredocCommand(command(run.command), heredocs: run.heredocs))
    case .cmd(let form): return .cmd(command(form))
    case .entrypoint(let form): return .entrypoint(command(form))
    case .copy(let copy):
      var result = CopyStep(
        sources: copy.sources, destination: copy.destination, from: copy.from, chown: copy.chown, chmod: copy.chmod)
      result.inline = copy.inlineSources.map { KeyValue($0.name, $0.content) }
      return .copy(result)
    case .add(let add):
      var result = CopyStep(
        sources: add.sources, destination: add.destination, chown: add.chown, chmod: add.chmod, isAdd: true)
      result.inline = add.inlineSources.map { KeyValue($0.name, $0.content) }
      result.checksum = add.checksum
      return .copy(result)
    case .env(let pairs): return .env(pairs.map { KeyValue($0.key, $0.value) })
    case .label(let pairs): return .label(pairs.map { KeyValue($0.key, $0.value) })
    case .arg(let definitions):
      let expander = ShellWordExpander(escapeCharacter: escape)
      return .arg(
        try definitions.map { definition in
          do {
            return ArgDeclaration(
              definition.name, try definition.defaultValue.map { try expander.expand($0, lookup: scope.value) })
          } catch {
            throw BerthError.invalid("\(file):\(step.startLine): \(error)")
          }
        })
    case .workdir(let path): return .workdir(path)
    case .expose(let ports): return .expose(ports)
    case .user(let user): return .user(user)
    case .volume(let paths): return .volume(paths)
    case .stopSignal(let signal): return .stopSignal(signal)
    case .shell(let shell): return .shell(shell)
    case .maintainer(let name): return .maintainer(name)
    case .onbuild(let onbuild): return .onBuild(onbuild.expression)
    case .healthcheck(let check):
      return .healthcheck(
        Healthcheck(
          test: check.test, interval: check.interval, timeout: check.timeout, startPeriod: check.startPeriod,
          startInterval: check.startInterval, retries: check.retries))
    }
  }
}
