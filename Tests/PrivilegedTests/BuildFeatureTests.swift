import Foundation
import Testing

/// `berth build` beyond Docker's classic builder basics: heredocs (BuildKit's semantics), ADD from
/// a URL, ONBUILD triggers in a child build, `--add-host`, the build-context line and the refusal
/// of BuildKit-only `RUN --mount`.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct BuildFeatureTests {
  let box: Sandbox
  let context: String

  init() throws {
    box = try Sandbox()
    context = box.dataRoot + "-ctx"
    try FileManager.default.createDirectory(atPath: context + "/sub", withIntermediateDirectories: true)
  }

  func write(_ name: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: context + "/" + name))
  }

  @Test func heredocs() throws {
    try write(
      "Dockerfile",
      """
      FROM busybox
      ARG WHO=world
      RUN <<EOF
      echo one > /one
      echo two >> /one
      EOF
      RUN <<EOF
      #!/bin/sh
      echo "script $0" > /script
      EOF
      RUN cat <<A > /a && cat <<-B > /b
      a $WHO
      A
      \tb
      \tB
      COPY <<EOF /etc/greeting
      hello ${WHO}
      EOF
      COPY <<"EOF" /literal
      hello ${WHO}
      EOF

      """)
    let r = box.berth(["build", "-t", "heredoc", context])
    #expect(r.code == 0, "\(r.out)\(r.err)")
    let out = box.berth([
      "run", "--rm", "heredoc", "sh", "-c",
      "cat /one /script /a /b /etc/greeting /literal; stat -c %a /etc/greeting; [ -e /dev/pipes ] && echo leaked || echo clean",
    ]).out
    #expect(out == "one\ntwo\nscript /dev/pipes/EOF\na world\nb\nhello world\nhello ${WHO}\n664\nclean\n")
    let again = box.berth(["build", "-t", "heredoc", context])
    #expect(again.out.components(separatedBy: " ---> Using cache").count == 7)
  }

  @Test func addFromURL() throws {
    let served = box.dataRoot + "-www"
    try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
    try Data("remote\n".utf8).write(to: URL(fileURLWithPath: served + "/file.txt"))
    let port = Int.random(in: 20000...40000)
    let server = try BerthFixture.startServer(
      "/usr/bin/python3", ["-m", "http.server", "--bind", "127.0.0.1", "--directory", served, String(port)])
    defer { BerthFixture.stop(server) }
    for _ in 0..<50 where BerthFixture.shell("curl -sf -o /dev/null http://127.0.0.1:\(port)/").code != 0 {
      usleep(100_000)
    }
    let url = "http://127.0.0.1:\(port)/file.txt"
    let sum =
      "sha256:"
      + BerthFixture.shell("sha256sum \(served)/file.txt | cut -c1-64").out.trimmingCharacters(
        in: .whitespacesAndNewlines)
    try write(
      "Dockerfile",
      "FROM busybox\nADD \(url) /dl/\nADD \(url) /renamed\nADD --checksum=\(sum) \(url) /checked\n")
    let r = box.berth(["build", "-t", "url", context])
    #expect(r.code == 0, "\(r.out)\(r.err)")
    let out = box.berth(["run", "--rm", "url", "sh", "-c", "cat /dl/file.txt /renamed; stat -c '%a %u' /checked"])
    #expect(out.out == "remote\nremote\n600 0\n")

    try write("Dockerfile", "FROM busybox\nADD --checksum=sha256:\(String(repeating: "0", count: 64)) \(url) /x\n")
    #expect(box.berth(["build", context]).err.hasPrefix("ADD failed: digest mismatch sha256:"))
    try write("Dockerfile", "FROM busybox\nADD http://127.0.0.1:\(port)/missing /x\n")
    #expect(
      box.berth(["build", context]).err.hasPrefix(
        "ADD failed: failed to GET http://127.0.0.1:\(port)/missing with status 404 Not Found"))
  }

  @Test func onbuildTriggersRunInTheChild() throws {
    try write("sub/a", "a\n")
    try write(
      "Dockerfile",
      "FROM busybox\nONBUILD RUN echo trig > /t\nONBUILD COPY sub /ctx/\nONBUILD ENV FROM_TRIGGER=1\n")
    #expect(box.berth(["build", "-t", "parent", context]).code == 0)
    try write("Dockerfile", "FROM parent\nRUN cat /t /ctx/a\n")
    let r = box.berth(["build", "-t", "child", context])
    #expect(r.code == 0, "\(r.err)")
    #expect(r.out.contains("Step 1/2 : FROM parent\n# Executing 3 build triggers\n ---> Running in "))
    #expect(r.out.contains("trig\na\n"))
    let config = box.berth(["inspect", "-f", "{{json .Config}}", "child"]).out
    // The triggers are not inherited (image inspect shows `"OnBuild":null`, as Docker's does).
    #expect(config.contains("\"OnBuild\":null") && config.contains("FROM_TRIGGER=1"), "\(config)")
  }

  @Test func addHostMountRefusalAndContextLine() throws {
    try write("Dockerfile", "FROM busybox\nRUN grep -q '10.1.2.3\tregistry.local' /etc/hosts\n")
    let r = box.berth(["build", "--add-host", "registry.local:10.1.2.3", context])
    #expect(r.code == 0, "\(r.out)\(r.err)")
    #expect(r.out.hasPrefix("Sending build context to Docker daemon  "))

    try write("Dockerfile", "FROM busybox\nRUN --mount=type=cache,target=/x true\n")
    let mount = box.berth(["build", context])
    #expect(mount.code == 1)
    #expect(mount.out.contains("Step 2/2 : RUN --mount=type=cache,target=/x true"))
    #expect(
      mount.err
        == "the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to "
        + "build images with BuildKit enabled\n")
  }
}
