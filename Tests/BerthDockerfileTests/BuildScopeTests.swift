import Testing

@testable import BerthDockerfile

private let dockerfile = """
  ARG BASE=busybox
  ARG TAG
  ARG SHARED=global
  FROM ${BASE}:${TAG:-latest} AS build
  ARG SHARED
  ARG BASE
  ARG LOCAL=${SHARED}-local
  ENV SHARED=env PATH=/app:$PATH
  WORKDIR /src/$LOCAL
  COPY --chown=${USER_ID:-1000} <<EOF "$SHARED/dir/"
  value=$SHARED
  EOF
  EXPOSE ${PORT:-80} 443/udp
  RUN echo $SHARED
  FROM --platform=$BUILDPLATFORM build
  RUN echo $SHARED
  """

@Test func globalArgumentsExpandFromLines() throws {
  let parsed = try Dockerfile(parsing: dockerfile)
  let global = try BuildScope.globalScope(
    for: parsed, buildArguments: ["TAG": "1.36"], predefined: ["BUILDPLATFORM": "linux/amd64"])
  guard case .from(let first) = try parsed.stages[0].fromStep.expanded(in: global) else {
    Issue.record("not a FROM")
    return
  }
  #expect(first.image == "busybox:1.36")
  guard case .from(let second) = try parsed.stages[1].fromStep.expanded(in: global) else { return }
  #expect(second.platform == "linux/amd64")
  #expect(parsed.stepCount == 11)
}

@Test func stageScopeFollowsDockerRules() throws {
  let parsed = try Dockerfile(parsing: dockerfile)
  let global = try BuildScope.globalScope(for: parsed, buildArguments: ["BASE": "alpine", "HTTP_PROXY": "http://p"])
  var scope = BuildScope(
    baseEnvironment: ["PATH=/usr/bin"],
    buildArguments: ["BASE": "alpine", "PORTS": "80 443/udp", "HTTP_PROXY": "http://p"],
    globalValues: global.globalValues)
  var expanded: [Instruction] = []
  for step in parsed.stages[0].steps { expanded.append(try scope.apply(step)) }
  #expect(expanded[0] == .arg([ArgDefinition(name: "SHARED", defaultValue: "global")]))
  #expect(expanded[1] == .arg([ArgDefinition(name: "BASE", defaultValue: "alpine")]))
  #expect(expanded[2] == .arg([ArgDefinition(name: "LOCAL", defaultValue: "global-local")]))
  #expect(
    expanded[3] == .env([KeyValuePair(key: "SHARED", value: "env"), KeyValuePair(key: "PATH", value: "/app:/usr/bin")]))
  #expect(expanded[4] == .workdir("/src/global-local"))
  guard case .copy(let copy) = expanded[5] else {
    Issue.record("not a COPY")
    return
  }
  #expect(copy.destination == "env/dir/")
  #expect(copy.chown == "1000")
  #expect(copy.inlineSources == [InlineSource(name: "EOF", content: "value=env\n", expands: true)])
  #expect(expanded[6] == .expose(["80", "443/udp"]))
  #expect(scope.value(of: "SHARED") == "env")
  #expect(
    scope.runEnvironment == [
      "PATH=/app:/usr/bin", "SHARED=env", "BASE=alpine", "LOCAL=global-local", "HTTP_PROXY=http://p",
    ])

  var second = BuildScope(globalValues: global.globalValues)
  for step in parsed.stages[1].steps { _ = try second.apply(step) }
  #expect(second.value(of: "SHARED") == nil)
}

@Test func expansionErrorsNameTheLine() throws {
  let parsed = try Dockerfile(parsing: "FROM busybox\nWORKDIR ${DIR:?set DIR}\n")
  var scope = BuildScope()
  #expect(throws: DockerfileError(line: 2, message: "failed to process \"${DIR:?set DIR}\": DIR: set DIR")) {
    try scope.apply(parsed.stages[0].steps[0])
  }
}

@Test func stepTextAndStageLookup() throws {
  let parsed = try Dockerfile(parsing: "FROM a AS One\nRUN echo \\\n  two\nFROM one\n")
  #expect(parsed.stages[0].steps[0].displayText == "RUN echo   two")
  #expect(parsed.stage(named: "ONE")?.index == 0)
  #expect(parsed.stage(named: "1")?.baseImage == "one")
}
