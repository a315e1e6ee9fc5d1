import BerthOCI
import Foundation
import Testing

@testable import BerthBuild

/// History text, cache keys, stage planning and build args: pure logic.
struct BuildLogicTests {
  @Test(arguments: [
    (BuildStep.cmd(.exec(["python", "app.py"])), "/bin/sh -c #(nop)  CMD [\"python\" \"app.py\"]"),
    (BuildStep.env([KeyValue("NAME", "World")]), "/bin/sh -c #(nop)  ENV NAME=World"),
    (BuildStep.expose(["80"]), "/bin/sh -c #(nop)  EXPOSE 80"),
    (BuildStep.label([KeyValue("a", "b c")]), "/bin/sh -c #(nop)  LABEL a=b c"),
    (BuildStep.volume(["/data", "/x"]), "/bin/sh -c #(nop)  VOLUME [/data /x]"),
    (BuildStep.user("app"), "/bin/sh -c #(nop)  USER app"),
    (BuildStep.arg([ArgDeclaration("V", "1")]), "/bin/sh -c #(nop)  ARG V=1"),
    (BuildStep.shell(["/bin/bash", "-c"]), "/bin/sh -c #(nop)  SHELL [\"/bin/bash\" \"-c\"]"),
  ])
  func metadataCreatedBy(step: BuildStep, expected: String) {
    var config = ContainerConfig()
    if case .cmd(let command) = step { config.cmd = command.argv(shell: ["/bin/sh", "-c"]) }
    let comment = HistoryText.comment(for: step, config: config) ?? ""
    #expect(HistoryText.nop(comment, shell: ["/bin/sh", "-c"]) == expected)
  }

  @Test func runAndCopyCreatedBy() {
    #expect(
      HistoryText.runCommand(["/bin/sh", "-c", "make"], buildArgs: ["A=1", "B=2"]).joined(separator: " ")
        == "|2 A=1 B=2 /bin/sh -c make")
    #expect(HistoryText.runCommand(["/bin/sh", "-c", "make"], buildArgs: []) == ["/bin/sh", "-c", "make"])
    #expect(
      HistoryText.nopString("COPY dir:abc in /app ", shell: ["/bin/sh", "-c"])
        == "/bin/sh -c #(nop) COPY dir:abc in /app ")
  }

  @Test func goFormatting() {
    #expect(HistoryText.goQuote("a\"b\\c\n") == "\"a\\\"b\\\\c\\n\"")
    #expect(HistoryText.goDuration(0) == "0s")
    #expect(HistoryText.goDuration(30_000_000_000) == "30s")
    #expect(HistoryText.goDuration(300_000_000_000) == "5m0s")
    #expect(HistoryText.goDuration(1_500_000_000) == "1.5s")
    #expect(HistoryText.goDuration(3_600_000_000_000) == "1h0m0s")
  }

  @Test func cacheKeyDependsOnParentCommandAndConfig() throws {
    let parent = try Digest(parsing: "sha256:" + String(repeating: "a", count: 64))
    let config = ContainerConfig(env: ["A=1"])
    let key = BuildCacheKey.key(parent: parent, createdBy: "x", config: config)
    #expect(key == BuildCacheKey.key(parent: parent, createdBy: "x", config: config))
    #expect(key != BuildCacheKey.key(parent: nil, createdBy: "x", config: config))
    #expect(key != BuildCacheKey.key(parent: parent, createdBy: "y", config: config))
    #expect(key != BuildCacheKey.key(parent: parent, createdBy: "x", config: ContainerConfig(env: ["A=2"])))
    #expect(key != BuildCacheKey.key(parent: parent, createdBy: "x", config: config, extra: ["chown=app"]))
  }

  @Test func targetBuildsOnlyTheStagesItNeeds() throws {
    let copy = BuildInstruction(
      text: "COPY --from=deps / /", step: .copy(CopyStep(sources: ["/"], destination: "/", from: "deps")))
    let plan = BuildPlan(stages: [
      PlannedStage(name: "deps", base: "busybox", fromText: "FROM busybox AS deps", instructions: []),
      PlannedStage(name: "unused", base: "busybox", fromText: "FROM busybox AS unused", instructions: []),
      PlannedStage(name: "build", base: "busybox", fromText: "FROM busybox AS build", instructions: [copy]),
      PlannedStage(name: "final", base: "build", fromText: "FROM build AS final", instructions: []),
    ])
    #expect(try plan.stagesToBuild(target: nil) == [0, 2, 3])
    #expect(try plan.stagesToBuild(target: "DEPS") == [0])
    #expect(try plan.stagesToBuild(target: "unused") == [1])
    #expect(throws: BerthError.invalid("failed to reach build target nope in Dockerfile")) {
      try plan.stagesToBuild(target: "nope")
    }
  }

  @Test func buildArgsScope() {
    var args = BuildArgs(given: ["V": "given", "UNUSED": "x", "HTTP_PROXY": "http://proxy"])
    args.declareGlobal([ArgDeclaration("BASE", "busybox")])
    #expect(args.globalScope.value("BASE") == "busybox")
    args.beginStage()
    #expect(args.scope(env: []).value("V") == nil)
    args.declare(ArgDeclaration("V", "default"))
    args.declare(ArgDeclaration("BASE"))
    #expect(args.scope(env: []).value("V") == "given")
    #expect(args.scope(env: ["V=env"]).value("V") == "env")
    #expect(args.scope(env: []).value("BASE") == "busybox")
    #expect(args.recorded(notIn: []) == ["BASE=busybox", "V=given"])
    #expect(args.allowed(notIn: []).contains("HTTP_PROXY=http://proxy"))
    #expect(args.unconsumed == ["UNUSED"])
  }

  @Test func chownResolution() throws {
    let passwd = "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
    let group = "root:x:0:\napp:x:1000:\nwheel:x:10:app\n"
    #expect(try ChownSpec.resolve("app", passwd: passwd, group: group) == (1000, 1000))
    #expect(try ChownSpec.resolve("app:wheel", passwd: passwd, group: group) == (1000, 10))
    #expect(try ChownSpec.resolve("10:20", passwd: nil, group: nil) == (10, 20))
    #expect(throws: BerthError.invalid("can't find uid for user nobody: no such user: nobody")) {
      try ChownSpec.resolve("nobody", passwd: passwd, group: group)
    }
    #expect(try ChownSpec.mode("0755") == 0o755)
  }
}
