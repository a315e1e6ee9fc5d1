import BerthImage
import Foundation
import Testing

/// `berth build` of real images from busybox: RUN in real containers, layers from overlay upper
/// dirs, the cache, and Docker's errors.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct BuildTests {
  let box: Sandbox
  let context: String

  init() throws {
    box = try Sandbox()
    context = box.dataRoot + "-ctx"
    try FileManager.default.createDirectory(atPath: context + "/dir", withIntermediateDirectories: true)
  }

  func write(_ name: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: context + "/" + name))
  }

  @Test func tutorialLikeBuild() throws {
    try write("app.py", "print('hi')\n")
    try write("dir/a", "a\n")
    try write(".dockerignore", "secret*\n")
    try write("secret.txt", "no\n")
    try write(
      "Dockerfile",
      """
      FROM busybox
      WORKDIR /app
      COPY . /app
      RUN echo building && rm /bin/vi && mkdir -p /etc/opq && touch /etc/opq/x
      RUN rm -rf /etc/opq && mkdir /etc/opq && echo new > /etc/opq/y
      EXPOSE 80
      ENV NAME World
      CMD ["python", "app.py"]

      """)
    let r = box.berth(["build", "-t", "friendlyhello", context])
    #expect(r.code == 0, "\(r.err)")
    #expect(r.out.contains("Step 4/8 : RUN echo building"))
    #expect(r.out.contains("building\n"))
    #expect(r.out.contains("Successfully tagged friendlyhello:latest"))
    let config = box.berth([
      "inspect", "-f", "{{json .Config.Cmd}} {{.Config.WorkingDir}} {{json .Config.ExposedPorts}}", "friendlyhello",
    ])
    #expect(config.out == "[\"python\",\"app.py\"] /app {\"80/tcp\":{}}\n")
    let history = box.berth(["history", "--no-trunc", "friendlyhello"]).out
    #expect(history.contains("/bin/sh -c #(nop)  CMD [\"python\" \"app.py\"]"))
    #expect(history.contains("/bin/sh -c #(nop) WORKDIR /app "))
    #expect(history.contains("/bin/sh -c #(nop) COPY dir:"))
    let tree = box.berth(["run", "--rm", "friendlyhello", "sh", "-c", "ls -A /app /etc/opq; ls /bin/vi; echo $NAME"])
    #expect(tree.out == "/app:\n.dockerignore\nDockerfile\napp.py\ndir\n\n/etc/opq:\ny\nWorld\n")
    #expect(tree.err.contains("/bin/vi: No such file"))

    // A rebuild is all cache and gives the same id; changing a file's content invalidates COPY.
    let id = box.berth(["inspect", "-f", "{{.Id}}", "friendlyhello"]).out
    let again = box.berth(["build", "-t", "friendlyhello", context])
    #expect(again.out.components(separatedBy: " ---> Using cache").count == 8)
    #expect(box.berth(["inspect", "-f", "{{.Id}}", "friendlyhello"]).out == id)
    try write("app.py", "print('changed')\n")
    let changed = box.berth(["build", "-t", "friendlyhello", context])
    #expect(changed.out.components(separatedBy: " ---> Using cache").count == 2)
    #expect(box.berth(["run", "--rm", "friendlyhello", "cat", "/app/app.py"]).out == "print('changed')\n")
  }

  @Test func layersComeFromTheUpperDirWithWhiteouts() throws {
    try write(
      "Dockerfile", "FROM busybox\nRUN rm /bin/vi && rm -rf /home/app && mkdir /home/app && touch /home/app/n\n")
    let r = box.berth(["build", "-t", "wh", context])
    #expect(r.code == 0, "\(r.err)")
    let layers = BerthFixture.shell(
      "for b in \(box.dataRoot)/content/blobs/sha256/*; do tar -tf $b 2>/dev/null; done"
    ).out
    #expect(layers.contains("bin/.wh.vi"))
    #expect(layers.contains("home/app/.wh..wh..opq"))
    #expect(layers.contains("home/app/n"))
    #expect(!layers.contains("etc/hosts"))
    #expect(!layers.contains("proc/"))
  }

  @Test func multiStageTargetAndChown() throws {
    try write(
      "Dockerfile",
      """
      FROM busybox AS build
      ARG GREETING=hello
      RUN mkdir /out && echo $GREETING > /out/result
      FROM busybox AS broken
      RUN exit 1
      FROM busybox
      COPY --from=build --chown=app /out/result /result
      ENTRYPOINT ["cat"]
      CMD ["/result"]

      """)
    let r = box.berth(["build", "--build-arg", "GREETING=bonjour", "-t", "ms", context])
    #expect(r.code == 0, "\(r.err)")
    #expect(!r.out.contains("exit 1"))
    #expect(box.berth(["run", "--rm", "ms"]).out == "bonjour\n")
    #expect(box.berth(["run", "--rm", "--entrypoint", "stat", "ms", "-c", "%u:%g", "/result"]).out == "1000:1000\n")
    let history = box.berth(["history", "--no-trunc", "ms"]).out
    #expect(!history.contains("GREETING"))
    let target = box.berth(["build", "--target", "build", "--build-arg", "GREETING=bonjour", "-q", context])
    #expect(target.out.hasPrefix("sha256:"))
  }

  @Test func failuresReadLikeDockerAndLeaveNothing() throws {
    try write("Dockerfile", "FROM busybox\nRUN echo out; exit 3\n")
    let before = BerthFixture.shell("ls \(box.dataRoot)/layers | wc -l").out
    let r = box.berth(["build", "-t", "bad", context])
    #expect(r.code == 1)
    #expect(r.out.contains("out\n"))
    #expect(r.err == "The command '/bin/sh -c echo out; exit 3' returned a non-zero code: 3\n")
    #expect(box.berth(["ps", "-a", "-q"]).out.isEmpty)
    #expect(box.berth(["images", "-q", "bad"]).out.isEmpty)
    #expect(BerthFixture.shell("ls \(box.dataRoot)/layers | wc -l").out == before)
    #expect(BerthFixture.shell("ls -A \(box.dataRoot)/tmp").out.isEmpty)
    #expect(BerthFixture.shell("grep -c \(box.dataRoot) /proc/self/mountinfo").out == "0\n")

    try write("Dockerfile", "FROM busybox\nCOPY ../x /\n")
    #expect(box.berth(["build", context]).err == "COPY failed: forbidden path outside the build context: ../x ()\n")
    try write("Dockerfile", "FROM busybox\nCOPY foo /\n")
    #expect(
      box.berth(["build", context]).err
        == "COPY failed: file not found in build context or excluded by .dockerignore: stat foo: file does not exist\n")
    #expect(
      box.berth(["build", context + "/nope"]).err == "unable to prepare context: path \"\(context)/nope\" not found\n")
  }

  @Test func contextFromStdin() throws {
    let lone = box.berth(["build", "-q", "-"], stdin: "FROM busybox\nLABEL a=b\n")
    #expect(lone.out.hasPrefix("sha256:"), "\(lone.err)")
    try write("Dockerfile", "FROM busybox\nCOPY dir /d\n")
    try write("dir/a", "a\n")
    let tar = box.dataRoot + "-ctx.tar"
    BerthFixture.shell("tar -C \(context) -cf \(tar) .")
    let r = BerthFixture.shell(
      "\(BerthFixture.berth) --data-root \(box.dataRoot) --exec-root \(box.execRoot) build -t fromtar - < \(tar)")
    #expect(r.code == 0, "\(r.err)")
    #expect(box.berth(["run", "--rm", "fromtar", "cat", "/d/a"]).out == "a\n")
  }

  @Test func reproducibleWithSourceDateEpoch() throws {
    try write("Dockerfile", "FROM busybox\nRUN echo x > /x\nCOPY . /ctx\n")
    let env = ["SOURCE_DATE_EPOCH": "1000"]
    let args = ["--data-root", box.dataRoot, "--exec-root", box.execRoot, "build", "-q", "--no-cache", context]
    let first = BerthFixture.run(BerthFixture.berth, args, env: env)
    let second = BerthFixture.run(BerthFixture.berth, args, env: env)
    #expect(first.code == 0, "\(first.err)")
    #expect(first.out == second.out)
  }
}
