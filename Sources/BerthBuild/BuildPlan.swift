import BerthOCI

/// One stage: `FROM base [AS name]` and its instructions.
public struct PlannedStage: Sendable {
  /// `AS name`, nil when unnamed.
  public var name: String?
  /// The base image or earlier stage, with the global ARGs already expanded.
  public var base: String
  /// The FROM line as written, for `Step 1/8 : FROM busybox`.
  public var fromText: String
  /// The instructions after FROM.
  public var instructions: [BuildInstruction]

  /// Makes a stage.
  public init(name: String?, base: String, fromText: String, instructions: [BuildInstruction]) {
    self.name = name
    self.base = base
    self.fromText = fromText
    self.instructions = instructions
  }
}

/// A parsed Dockerfile as the builder needs it: the ARGs before the first FROM and the stages.
public struct BuildPlan: Sendable {
  /// `ARG`s before the first FROM (visible in FROM lines and to a stage's `ARG name`).
  public var globalArgs: [ArgDeclaration]
  /// The stages in order.
  public var stages: [PlannedStage]

  /// Makes a plan.
  public init(globalArgs: [ArgDeclaration] = [], stages: [PlannedStage]) {
    self.globalArgs = globalArgs
    self.stages = stages
  }

  /// The stage a `FROM` or `COPY --from` names, by name (case-insensitive) or index, among the
  /// stages before `before`.
  public func stageIndex(_ reference: String, before: Int) -> Int? {
    let lower = reference.lowercased()
    if let index = stages[..<min(before, stages.count)].lastIndex(where: { $0.name?.lowercased() == lower }) {
      return index
    }
    if let n = Int(reference), n >= 0, n < before { return n }
    return nil
  }

  /// The stages to build for `target` (the last stage when nil), in order: the target and the
  /// stages it needs through `FROM` and `COPY --from`; the others are skipped.
  public func stagesToBuild(target: String?) throws -> [Int] {
    guard !stages.isEmpty else { throw BerthError.invalid("the Dockerfile has no FROM instruction") }
    var last = stages.count - 1
    if let target {
      guard let index = stages.firstIndex(where: { $0.name?.lowercased() == target.lowercased() }) else {
        throw BerthError.invalid("failed to reach build target \(target) in Dockerfile")
      }
      last = index
    }
    var needed = Set([last])
    for index in stride(from: last, through: 0, by: -1) where needed.contains(index) {
      if let base = stageIndex(stages[index].base, before: index) { needed.insert(base) }
      for instruction in stages[index].instructions {
        if let reference = instruction.stageReference, let from = stageIndex(reference, before: index) {
          needed.insert(from)
        }
      }
    }
    return needed.sorted()
  }
}
