import BerthOCI

/// A command as a Dockerfile writes it: exec form (a JSON array) or shell form (run by the
/// stage's shell).
public enum StepCommand: Sendable, Hashable {
  /// `["python", "app.py"]`.
  case exec([String])
  /// `pip install -r requirements.txt`.
  case shell(String)
  /// `RUN <<EOF` whose body starts with `#!`: the body is written to `/dev/pipes/<name>` (mode
  /// 0755, outside the image's filesystem) and executed directly, as BuildKit does.
  case script(name: String, content: String)

  /// The directory a ``script(name:content:)`` is mounted at in the RUN container.
  public static let scriptDirectory = "/dev/pipes"

  /// The argv: exec form as is, shell form appended to `shell` (`/bin/sh -c` by default), a
  /// script as its path in ``scriptDirectory``.
  public func argv(shell: [String]) -> [String] {
    switch self {
    case .exec(let args): return args
    case .shell(let line): return shell + [line]
    case .script(let name, _): return [Self.scriptDirectory + "/" + name]
    }
  }
}

/// `KEY=value` of ENV and LABEL, after variable expansion and quote removal.
public struct KeyValue: Sendable, Hashable {
  /// The key.
  public var key: String
  /// The value.
  public var value: String

  /// Makes a pair.
  public init(_ key: String, _ value: String) {
    self.key = key
    self.value = value
  }
}

/// One `ARG name[=default]`.
public struct ArgDeclaration: Sendable, Hashable {
  /// The name.
  public var name: String
  /// The default, nil when none was written.
  public var defaultValue: String?

  /// Declares an argument.
  public init(_ name: String, _ defaultValue: String? = nil) {
    self.name = name
    self.defaultValue = defaultValue
  }
}

/// COPY or ADD.
public struct CopyStep: Sendable, Hashable {
  /// Sources as written (after expansion): context paths, globs, or (ADD) URLs.
  public var sources: [String]
  /// The destination; relative to WORKDIR unless absolute; a trailing `/` makes it a directory.
  public var destination: String
  /// `--from=stage|index|image`.
  public var from: String?
  /// `--chown=user[:group]`.
  public var chown: String?
  /// `--chmod=0755`.
  public var chmod: String?
  /// ADD (extracts local archives, fetches URLs) rather than COPY.
  public var isAdd: Bool
  /// Files given inline as heredocs (`COPY <<EOF /etc/motd`): name and content, already expanded.
  public var inline: [KeyValue] = []
  /// `ADD --checksum=sha256:…` of a URL source.
  public var checksum: String?

  /// Makes a copy step.
  public init(
    sources: [String], destination: String, from: String? = nil, chown: String? = nil, chmod: String? = nil,
    isAdd: Bool = false
  ) {
    self.sources = sources
    self.destination = destination
    self.from = from
    self.chown = chown
    self.chmod = chmod
    self.isAdd = isAdd
  }

  /// `COPY` or `ADD`.
  public var name: String { isAdd ? "ADD" : "COPY" }
}

/// One Dockerfile instruction after a stage's FROM, with its words already expanded.
public enum BuildStep: Sendable, Hashable {
  /// RUN: a container on the previous step's filesystem; its changes become a layer.
  case run(StepCommand)
  /// COPY or ADD: files into a new layer.
  case copy(CopyStep)
  /// ENV pairs.
  case env([KeyValue])
  /// ARG declarations (build-time only).
  case arg([ArgDeclaration])
  /// WORKDIR (made in the filesystem).
  case workdir(String)
  /// CMD.
  case cmd(StepCommand)
  /// ENTRYPOINT (resets an inherited CMD).
  case entrypoint(StepCommand)
  /// EXPOSE ports as written (`80`, `53/udp`).
  case expose([String])
  /// LABEL pairs.
  case label([KeyValue])
  /// USER.
  case user(String)
  /// VOLUME paths.
  case volume([String])
  /// STOPSIGNAL.
  case stopSignal(String)
  /// HEALTHCHECK; `test == ["NONE"]` disables an inherited one.
  case healthcheck(Healthcheck)
  /// SHELL.
  case shell([String])
  /// ONBUILD with its trigger as written.
  case onBuild(String)
  /// MAINTAINER (sets the author).
  case maintainer(String)
}

/// The variables visible to an instruction: the config's ENV, then build args not shadowed by it.
public struct VariableScope: Sendable {
  /// `KEY=value` entries, later ones winning.
  public var entries: [String]

  /// A scope of `KEY=value` entries.
  public init(_ entries: [String]) { self.entries = entries }

  /// The value of name, nil when unset.
  public func value(_ name: String) -> String? {
    for entry in entries.reversed() {
      let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      if parts[0] == name { return parts.count > 1 ? String(parts[1]) : "" }
    }
    return nil
  }

  /// Every variable as a dictionary.
  public var dictionary: [String: String] {
    var result: [String: String] = [:]
    for entry in entries {
      let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
    }
    return result
  }
}

/// One instruction of a stage: its text (for `Step 3/8 : WORKDIR /app`) and how to turn it into
/// a step once the variables in scope at that point are known.
public struct BuildInstruction: Sendable {
  /// The instruction as written, shown in the build's output.
  public var text: String
  /// `COPY --from=` as written, so the planner knows which stages this one needs.
  public var stageReference: String?
  /// Expands the instruction's words in the scope and returns the step.
  public var resolve: @Sendable (VariableScope) throws -> BuildStep

  /// An instruction whose step depends on the scope.
  public init(
    text: String, stageReference: String? = nil, resolve: @escaping @Sendable (VariableScope) throws -> BuildStep
  ) {
    self.text = text
    self.stageReference = stageReference
    self.resolve = resolve
  }

  /// An instruction with a fixed step (no variables).
  public init(text: String, step: BuildStep) {
    var reference: String?
    if case .copy(let copy) = step { reference = copy.from }
    self.init(text: text, stageReference: reference) { _ in step }
  }
}
