import Foundation
import Testing

/// `pull` and `push` against Debian's `docker-registry` on loopback over plain HTTP: round trips
/// through empty data roots, skopeo reading what Berth pushed, every manifest and layer format.
@Suite(
  .enabled(
    if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-registry"),
    "needs root and docker-registry"),
  .serialized)
struct RegistryTests {
  /// A sandbox with busybox imported and tagged for the registry, pushed.
  static func pushed(_ registry: LocalRegistry, _ name: String) throws -> (Sandbox, String, String) {
    let sandbox = try Sandbox()
    let ref = "\(registry.address)/\(name)"
    #expect(sandbox.berth(["tag", "busybox", ref]).code == 0)
    let push = sandbox.berth(["push", ref])
    #expect(push.code == 0, "\(push.out)\(push.err)")
    let digest = push.out.split(separator: "\n").last { $0.contains(": digest: ") }.map {
      String($0.split(separator: " ")[2])
    }
    return (sandbox, ref, digest ?? "")
  }

  @Test func pushThenPullIntoAnEmptyRootAndRun() throws {
    let registry = try LocalRegistry()
    let (source, ref, digest) = try Self.pushed(registry, "test/busybox:1.0")
    #expect(digest.hasPrefix("sha256:"))
    let sourceID = source.berth(["inspect", "-f", "{{.Id}}", "busybox"]).out

    let target = try Sandbox(image: false)
    let pull = target.berth(["pull", ref])
    #expect(pull.code == 0, "\(pull.out)\(pull.err)")
    #expect(pull.out.contains("Pull complete"))
    #expect(pull.out.contains("Digest: \(digest)"))
    #expect(pull.out.contains("Status: Downloaded newer image for \(ref)"))
    // The image id is the config's digest, the same on both sides.
    #expect(target.berth(["inspect", "-f", "{{.Id}}", ref]).out == sourceID)
    let digests = target.berth(["image", "inspect", "-f", "{{json .RepoDigests}}", ref]).out
    #expect(digests.contains("\(registry.address)/test/busybox@\(digest)"))
    #expect(target.berth(["images", "--digests"]).out.contains(digest))
    let run = target.berth(["run", "--rm", "--network", "none", ref, "echo", "pulled"])
    #expect(run.out == "pulled\n", "\(run.err)")

    // A second pull fetches nothing.
    let again = target.berth(["pull", ref])
    #expect(again.out.contains("Status: Image is up to date for \(ref)"), "\(again.out)\(again.err)")
    #expect(!again.out.contains("Pull complete"))
  }

  @Test func pushSkipsBlobsTheRegistryHasAndMountsAcrossRepositories() throws {
    let registry = try LocalRegistry()
    let (source, ref, digest) = try Self.pushed(registry, "one/busybox:latest")
    let again = source.berth(["push", ref])
    #expect(again.code == 0)
    #expect(again.out.contains("Layer already exists"), "\(again.out)")
    #expect(again.out.contains("digest: \(digest)"))

    // A layer pulled from one repository is mounted into another.
    let puller = try Sandbox(image: false)
    #expect(puller.berth(["pull", ref]).code == 0)
    let other = "\(registry.address)/two/busybox:latest"
    #expect(puller.berth(["tag", ref, other]).code == 0)
    let mounted = puller.berth(["push", other])
    #expect(mounted.code == 0, "\(mounted.out)\(mounted.err)")
    #expect(mounted.out.contains("Mounted from one/busybox"), "\(mounted.out)")
    #expect(mounted.out.contains("digest: \(digest)"))
  }

  @Test func skopeoReadsWhatBerthPushedWithTheSameDigests() throws {
    let registry = try LocalRegistry()
    let (source, ref, digest) = try Self.pushed(registry, "skopeo/busybox:v1")
    let inspect = BerthFixture.run("/usr/bin/skopeo", ["inspect", "--tls-verify=false", "docker://\(ref)"])
    #expect(inspect.code == 0, "\(inspect.err)")
    let json = try JSONSerialization.jsonObject(with: Data(inspect.out.utf8)) as? [String: Any]
    #expect(json?["Digest"] as? String == digest)
    let raw = BerthFixture.run("/usr/bin/skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(ref)"])
    let manifest = try JSONSerialization.jsonObject(with: Data(raw.out.utf8)) as? [String: Any]
    let config = manifest?["config"] as? [String: Any]
    #expect(
      config?["digest"] as? String
        == source.berth(["inspect", "-f", "{{.Id}}", "busybox"]).out
        .trimmingCharacters(in: .whitespacesAndNewlines))

    let dir = NSTemporaryDirectory() + "berth-skopeo-\(getpid())-\(UUID().uuidString.prefix(6))"
    defer { BerthFixture.shell("rm -rf \(dir)") }
    let copy = BerthFixture.run(
      "/usr/bin/skopeo", ["copy", "--src-tls-verify=false", "docker://\(ref)", "dir:\(dir)"])
    #expect(copy.code == 0, "\(copy.err)")
    let layers = (manifest?["layers"] as? [[String: Any]] ?? []).compactMap { $0["digest"] as? String }
    #expect(!layers.isEmpty)
    for layer in layers {
      let hex = String(layer.dropFirst("sha256:".count))
      #expect(BerthFixture.shell("sha256sum \(dir)/\(hex) | cut -c1-64").out.hasPrefix(hex))
    }
  }

  @Test(arguments: [
    ["--format", "oci"], ["--format", "oci", "--dest-compress-format", "zstd"],
    ["--format", "v2s2", "--dest-decompress"],
  ])
  func pullsEveryManifestAndLayerFormat(_ flags: [String]) throws {
    let registry = try LocalRegistry()
    let (_, ref, _) = try Self.pushed(registry, "formats/busybox:src")
    let converted = "\(registry.address)/formats/busybox:converted"
    let copy = BerthFixture.run(
      "/usr/bin/skopeo",
      ["copy", "--src-tls-verify=false", "--dest-tls-verify=false"] + flags + [
        "docker://\(ref)", "docker://\(converted)",
      ])
    #expect(copy.code == 0, "\(copy.err)")
    let target = try Sandbox(image: false)
    let pull = target.berth(["pull", converted])
    #expect(pull.code == 0, "\(flags): \(pull.out)\(pull.err)")
    let run = target.berth(["run", "--rm", "--network", "none", converted, "echo", "ok"])
    #expect(run.out == "ok\n", "\(flags): \(run.err)")
  }

  @Test func manifestListsPickThePlatform() throws {
    let registry = try LocalRegistry()
    let (source, amd64, _) = try Self.pushed(registry, "multi/img:amd64")
    // A second, different image stands in for the arm64 entry.
    #expect(source.berth(["tag", "busybox", "\(registry.address)/multi/img:arm64"]).code == 0)
    let tar = NSTemporaryDirectory() + "berth-arm-\(getpid()).tar"
    defer { unlink(tar) }
    BerthFixture.shell(
      "mkdir -p /tmp/berth-arm-\(getpid())/etc && echo arm64 > /tmp/berth-arm-\(getpid())/etc/arch && tar -C /tmp/berth-arm-\(getpid()) -cf \(tar) . && rm -rf /tmp/berth-arm-\(getpid())"
    )
    #expect(source.berth(["import", tar, "\(registry.address)/multi/img:arm64"]).code == 0)
    #expect(source.berth(["push", "\(registry.address)/multi/img:arm64"]).code == 0)

    func manifestDescriptor(_ tag: String) -> String {
      let raw = BerthFixture.run(
        "/usr/bin/curl",
        [
          "-sf", "-H", "Accept: application/vnd.docker.distribution.manifest.v2+json",
          "http://\(registry.address)/v2/multi/img/manifests/\(tag)",
        ]
      ).out
      let size = raw.utf8.count
      let digest = BerthFixture.shell("printf '%s' '\(raw)' | sha256sum | cut -c1-64").out
        .trimmingCharacters(in: .whitespacesAndNewlines)
      return
        "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":\(size),\"digest\":\"sha256:\(digest)\""
    }
    let list = """
      {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[\
      \(manifestDescriptor("arm64")),"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},\
      \(manifestDescriptor("amd64")),"platform":{"architecture":"amd64","os":"linux"}}]}
      """
    let put = BerthFixture.run(
      "/usr/bin/curl",
      [
        "-sf", "-X", "PUT", "-H", "Content-Type: application/vnd.docker.distribution.manifest.list.v2+json",
        "--data-binary", list, "http://\(registry.address)/v2/multi/img/manifests/list",
      ])
    #expect(put.code == 0, "\(put.out)\(put.err)")
    _ = amd64

    let target = try Sandbox(image: false)
    let listRef = "\(registry.address)/multi/img:list"
    #expect(target.berth(["pull", listRef]).code == 0)
    #expect(target.berth(["run", "--rm", "--network", "none", listRef, "echo", "amd"]).out == "amd\n")
    let arm = target.berth(["pull", "--platform", "linux/arm64", listRef])
    #expect(arm.code == 0, "\(arm.out)\(arm.err)")
    let armID = target.berth(["inspect", "-f", "{{.Id}}", listRef]).out
    #expect(armID == source.berth(["inspect", "-f", "{{.Id}}", "\(registry.address)/multi/img:arm64"]).out)
    let none = target.berth(["pull", "--platform", "linux/s390x", listRef])
    #expect(none.code != 0)
    #expect(none.err.contains("no matching manifest for linux/s390x"), "\(none.err)")
  }

  @Test func runAndBuildPullAMissingImage() throws {
    let registry = try LocalRegistry()
    let (_, ref, _) = try Self.pushed(registry, "auto/busybox:1")
    let target = try Sandbox(image: false)
    let never = target.berth(["run", "--rm", "--pull", "never", "--network", "none", ref, "true"])
    #expect(never.code == 125)
    #expect(never.err.contains("No such image: \(ref)"), "\(never.err)")
    let run = target.berth(["run", "--rm", "--network", "none", ref, "echo", "auto"])
    #expect(run.out == "auto\n", "\(run.err)")
    #expect(run.err.contains("Unable to find image '\(ref)' locally"), "\(run.err)")

    let builder = try Sandbox(image: false)
    let context = builder.dataRoot + "-context"
    try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
    try "FROM \(ref)\nRUN echo built > /built\n".write(
      toFile: context + "/Dockerfile", atomically: true, encoding: .utf8)
    let build = builder.berth(["build", "--network", "none", "-t", "built", context])
    #expect(build.code == 0, "\(build.out)\(build.err)")
    #expect(build.out.contains("Pull complete"))
    #expect(builder.berth(["run", "--rm", "--network", "none", "built", "cat", "/built"]).out == "built\n")
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/docker"), "needs the docker CLI"))
  func dockerCLIPullsThroughTheDaemon() throws {
    let registry = try LocalRegistry()
    let (_, ref, digest) = try Self.pushed(registry, "api/busybox:1")
    let box = try Sandbox(image: false)
    let d = try Daemon(box)
    let pull = d.docker(["pull", ref])
    #expect(pull.code == 0, "\(pull.out)\(pull.err)")
    #expect(pull.out.contains("Pull complete"), "\(pull.out)")
    #expect(pull.out.contains("Digest: \(digest)"))
    #expect(pull.out.contains("Status: Downloaded newer image for \(ref)"))
    #expect(d.docker(["run", "--rm", "--network", "none", ref, "echo", "via api"]).out == "via api\n")
    let missing = d.docker(["pull", "\(registry.address)/api/nothing:1"])
    #expect(missing.code != 0)
    #expect(missing.err.contains("not found"), "\(missing.err)")
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/dockerd"), "needs dockerd"))
  func dockerdAndBerthPullEachOthersPushes() throws {
    let registry = try LocalRegistry()
    let (_, fromBerth, _) = try Self.pushed(registry, "interop/berth:1")
    let dockerd = try Dockerd(work: NSTemporaryDirectory() + "berth-interop-\(UUID().uuidString.prefix(6))")
    defer { dockerd.stop() }
    // dockerd treats 127.0.0.0/8 as an insecure registry by default.
    let pulled = dockerd.cli(["pull", fromBerth])
    #expect(pulled.code == 0, "\(pulled.out)\(pulled.err)")
    #expect(
      dockerd.cli(["run", "--rm", "--network", "none", fromBerth, "echo", "dockerd ran it"]).out == "dockerd ran it\n")

    let fromDocker = "\(registry.address)/interop/docker:1"
    #expect(dockerd.cli(["tag", fromBerth, fromDocker]).code == 0)
    let pushed = dockerd.cli(["push", fromDocker])
    #expect(pushed.code == 0, "\(pushed.out)\(pushed.err)")
    let dockerDigest = pushed.out.split(separator: "\n").last { $0.contains(": digest: ") }.map {
      String($0.split(separator: " ")[2])
    }
    let target = try Sandbox(image: false)
    let pull = target.berth(["pull", fromDocker])
    #expect(pull.code == 0, "\(pull.out)\(pull.err)")
    #expect(
      target.berth(["run", "--rm", "--network", "none", fromDocker, "echo", "berth ran it"]).out == "berth ran it\n")
    #expect(dockerDigest.map { pull.out.contains("Digest: \($0)") } == true, "\(pushed.out) \(pull.out)")
  }
}
