import BerthDockerfile
import BerthOCI
import Foundation

extension BuildPlan {
  /// Docker's message for a BuildKit-only option under the classic builder.
  static func requiresBuildKit(_ option: String) -> String {
    "the --\(option) option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build "
      + "images with BuildKit enabled"
  }

  /// `RUN` with heredocs, as BuildKit runs them (Docker's classic builder has none):
  ///
  /// - the command is a lone heredoc (`RUN <<EOF`): a body starting with `#!` is a script run
  ///   directly; any other body is the shell's command (`/bin/sh -c <body>`);
  /// - otherwise (`RUN cat <<EOF > /f`, several heredocs): the shell runs the command line
  ///   followed by each body and its delimiter, so the shell itself feeds the heredocs.
  static func heredocCommand(_ command: StepCommand, heredocs: [Heredoc]) throws -> StepCommand {
    guard !heredocs.isEmpty else { return command }
    guard case .shell(let line) = command else {
      throw BerthError.invalid("parsing produces more than one argument")
    }
    let trimmed = line.trimmingCharacters(in: [" ", "\t"])
    if heredocs.count == 1, let marker = Heredoc.marker(trimmed), marker.name == heredocs[0].name {
      let body = heredocs[0].strippedContent
      if body.hasPrefix("#!") { return .script(name: heredocs[0].name, content: body) }
      return .shell(body)
    }
    var script = line
    for heredoc in heredocs {
      script += "\n" + heredoc.content
      if !heredoc.content.isEmpty && !heredoc.content.hasSuffix("\n") { script += "\n" }
      script += heredoc.name
    }
    return .shell(script)
  }

  /// The steps of `ONBUILD` triggers (the parent image's `OnBuild`), parsed as Docker's builder
  /// does when a child stage starts from that image: as Dockerfile lines, in order.
  public static func triggers(_ triggers: [String]) throws -> [BuildInstruction] {
    let parsed: Dockerfile
    do {
      parsed = try Dockerfile(parsing: "FROM scratch\n" + triggers.joined(separator: "\n") + "\n", file: "ONBUILD")
    } catch {
      throw BerthError.invalid(error.description)
    }
    guard let stage = parsed.stages.first else { return [] }
    return stage.steps.map { step in
      var reference: String?
      if case .copy(let copy) = step.instruction { reference = copy.from }
      return BuildInstruction(text: step.displayText, stageReference: reference) { scope in
        try Self.step(step, scope: scope, escape: "\\", file: "ONBUILD")
      }
    }
  }
}
