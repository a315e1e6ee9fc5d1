import BerthDockerfile
import Testing

@testable import BerthBuild

/// RUN heredocs as BuildKit runs them, and ONBUILD triggers parsed back into steps.
struct HeredocTests {
  @Test func loneHeredocIsTheShellCommand() throws {
    let command = try BuildPlan.heredocCommand(
      .shell("<<EOF"), heredocs: [Heredoc(name: "EOF", content: "echo a\necho b\n")])
    #expect(command == .shell("echo a\necho b\n"))
  }

  @Test func shebangMakesAScript() throws {
    let command = try BuildPlan.heredocCommand(
      .shell("<<-'RUNME'"),
      heredocs: [Heredoc(name: "RUNME", expands: false, stripsLeadingTabs: true, content: "\t#!/bin/sh\n\ttrue\n")])
    #expect(command == .script(name: "RUNME", content: "#!/bin/sh\ntrue\n"))
    #expect(command.argv(shell: ["/bin/sh", "-c"]) == ["/dev/pipes/RUNME"])
  }

  @Test func otherwiseTheShellReadsTheBodies() throws {
    let command = try BuildPlan.heredocCommand(
      .shell("cat <<A >/a && cat <<B >/b"),
      heredocs: [Heredoc(name: "A", content: "1\n"), Heredoc(name: "B", content: "2\n")])
    #expect(command == .shell("cat <<A >/a && cat <<B >/b\n1\nA\n2\nB"))
  }

  @Test func triggersParseInOrder() throws {
    let steps = try BuildPlan.triggers(["RUN echo hi", "ENV A=1", "COPY --from=x /a /b"])
    #expect(steps.map(\.text) == ["RUN echo hi", "ENV A=1", "COPY --from=x /a /b"])
    #expect(steps[2].stageReference == "x")
    #expect(try steps[1].resolve(VariableScope([])) == .env([KeyValue("A", "1")]))
  }
}
