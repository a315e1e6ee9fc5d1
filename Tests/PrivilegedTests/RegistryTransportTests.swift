import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// How Berth reaches registries: a download killed mid-blob resumes with a Range request, and
/// plain HTTP to a registry that is not on loopback only when it is configured insecure (the
/// daemon's `--insecure-registry`, daemon.json's `insecure-registries`, host or CIDR).
@Suite(
  .enabled(
    if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-registry"),
    "needs root and docker-registry"),
  .serialized)
struct RegistryTransportTests {
  /// An address of this machine that is not loopback, if it has one.
  static let outsideAddress: String? = {
    let out = BerthFixture.shell("hostname -I").out
    return out.split(separator: " ").map(String.init).first { $0.contains(".") && !$0.hasPrefix("127.") }
  }()

  @Test func aPullKilledMidBlobResumesWithARangeRequest() throws {
    let registry = try LocalRegistry(accessLog: true)
    let source = try Sandbox(image: false)
    let dir = source.dataRoot + "-layer"
    // 256 MiB of random bytes: the blob stays that size, which leaves time to kill the pull.
    let made = BerthFixture.shell(
      "mkdir -p \(dir) && head -c 256M /dev/urandom > \(dir)/blob && tar -C \(dir) -cf \(dir).tar blob && rm -rf \(dir)"
    )
    #expect(made.code == 0)
    let ref = "\(registry.address)/resume/big:1"
    #expect(source.berth(["import", "\(dir).tar", ref]).code == 0)
    unlink("\(dir).tar")
    let push = source.berth(["push", ref])
    #expect(push.code == 0, "\(push.out)\(push.err)")

    var target = try Sandbox(image: false)
    var killedAt: Int64 = 0
    for attempt in 0..<5 where killedAt == 0 {
      if attempt > 0 { target = try Sandbox(image: false) }
      let downloads = target.dataRoot + "/content/downloads"
      let pull = try target.background(["pull", ref])
      let end = Date().addingTimeInterval(60)
      while pull.isRunning && Date() < end {
        let sizes = ((try? FileManager.default.contentsOfDirectory(atPath: downloads)) ?? []).compactMap {
          (try? FileManager.default.attributesOfItem(atPath: "\(downloads)/\($0)"))?[.size] as? Int64
        }
        if let held = sizes.max(), held > 1 << 20, held < 200 << 20 {
          kill(pull.processIdentifier, SIGKILL)
          killedAt = held
          break
        }
        usleep(500)
      }
      pull.waitUntilExit()
    }
    #expect(killedAt > 0, "the pull finished before it could be killed")

    let again = target.berth(["pull", ref])
    #expect(again.code == 0, "\(again.out)\(again.err)")
    let log = (try? String(contentsOfFile: registry.logFile, encoding: .utf8)) ?? ""
    let resumed = log.split(separator: "\n").filter { $0.contains("\"GET /v2/resume/big/blobs/sha256:") }.last
    // The last blob GET is the resumed one: 206 Partial Content, less than the whole blob sent.
    #expect(resumed?.contains("\" 206 ") == true, "\(resumed ?? "no GET")")
    let sent = resumed.flatMap { line in
      line.components(separatedBy: "\" 206 ").last?.split(separator: " ").first.flatMap { Int64($0) }
    }
    #expect(sent.map { $0 <= (256 << 20) - killedAt + (1 << 20) } == true, "\(resumed ?? "")")
    // The layer was verified against its diff id; the image is the one pushed.
    #expect(
      target.berth(["inspect", "-f", "{{.Id}}", ref]).out == source.berth(["inspect", "-f", "{{.Id}}", ref]).out)
    #expect(target.berth(["inspect", "-f", "{{.Id}}", ref]).code == 0)
  }

  @Test(.enabled(if: outsideAddress != nil, "needs a non-loopback address"))
  func plainHTTPOnlyForConfiguredInsecureRegistries() throws {
    let registry = try LocalRegistry(listen: "0.0.0.0")
    let (_, _, _) = try RegistryTests.pushed(registry, "insecure/busybox:1")
    let address = try #require(Self.outsideAddress)
    let ref = "\(address):\(registry.port)/insecure/busybox:1"
    let config = NSTemporaryDirectory() + "berth-daemon-\(UUID().uuidString.prefix(6)).json"
    defer { unlink(config) }
    let missing = config + ".none"

    let target = try Sandbox(image: false)
    let refused = target.berth(["pull", ref], env: ["BERTH_CONFIG": missing])
    #expect(refused.code != 0)
    #expect(refused.err.contains("https://\(address):\(registry.port)/v2/"), "\(refused.err)")

    for entry in ["\(address):\(registry.port)", "\(address)/32", "http://\(address):\(registry.port)"] {
      try "{\"insecure-registries\": [\"\(entry)\"]}".write(toFile: config, atomically: true, encoding: .utf8)
      let pull = target.berth(["pull", ref], env: ["BERTH_CONFIG": config])
      #expect(pull.code == 0, "\(entry): \(pull.out)\(pull.err)")
      #expect(target.berth(["rmi", ref]).code == 0)
    }
    let byEnv = target.berth(
      ["pull", ref], env: ["BERTH_CONFIG": missing, "BERTH_INSECURE_REGISTRIES": "\(address):\(registry.port)"])
    #expect(byEnv.code == 0, "\(byEnv.err)")

    try "{\"insecure-registries\": [\"10.0.0.0/33\"]}".write(toFile: config, atomically: true, encoding: .utf8)
    let broken = BerthFixture.run(
      BerthFixture.berth,
      ["--data-root", target.dataRoot, "--exec-root", target.execRoot, "daemon", "-H", "unix:///nonexistent/x.sock"],
      env: ["BERTH_CONFIG": config])
    #expect(broken.code != 0)
    #expect(broken.err.contains("not a valid CIDR"), "\(broken.err)")
  }

  @Test(
    .enabled(if: outsideAddress != nil, "needs a non-loopback address"),
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/docker"), "needs the docker CLI"))
  func theDaemonsInsecureRegistryFlag() throws {
    let registry = try LocalRegistry(listen: "0.0.0.0")
    let (_, _, _) = try RegistryTests.pushed(registry, "flag/busybox:1")
    let address = try #require(Self.outsideAddress)
    let ref = "\(address):\(registry.port)/flag/busybox:1"
    let box = try Sandbox(image: false)
    let socket = box.execRoot + "/berth.sock"
    func daemon(_ flags: [String]) throws -> Process {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: BerthFixture.berth)
      p.arguments =
        ["--data-root", box.dataRoot, "--exec-root", box.execRoot, "daemon", "-H", "unix://" + socket] + flags
      p.environment = ProcessInfo.processInfo.environment.merging(["BERTH_CONFIG": box.execRoot + "/none.json"]) {
        $1
      }
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      try p.run()
      waitUntil(seconds: 10) { BerthFixture.run("/usr/bin/docker", ["-H", "unix://" + socket, "version"]).code == 0 }
      return p
    }
    func stop(_ p: Process) {
      kill(p.processIdentifier, SIGTERM)
      p.waitUntilExit()
    }
    let docker = { (args: [String]) in
      BerthFixture.run("/usr/bin/docker", ["-H", "unix://" + socket] + args, env: ["DOCKER_CONFIG": box.execRoot])
    }
    let plain = try daemon([])
    #expect(docker(["pull", ref]).code != 0)
    stop(plain)
    let flagged = try daemon([
      "--insecure-registry", "\(address):\(registry.port)", "--insecure-registry", "10.0.0.0/8",
    ])
    defer { stop(flagged) }
    let pull = docker(["pull", ref])
    #expect(pull.code == 0, "\(pull.out)\(pull.err)")
    #expect(docker(["run", "--rm", "--network", "none", ref, "echo", "insecure ok"]).out == "insecure ok\n")
    // `docker info` lists them as dockerd's does.
    let info = docker([
      "info", "--format", "{{json .RegistryConfig.InsecureRegistryCIDRs}} {{json .RegistryConfig.IndexConfigs}}",
    ]).out
    #expect(info.hasPrefix("[\"127.0.0.0/8\",\"10.0.0.0/8\"] "), "\(info)")
    #expect(
      info.contains(
        "\"\(address):\(registry.port)\":{\"Name\":\"\(address):\(registry.port)\",\"Mirrors\":[],\"Secure\":false,\"Official\":false}"
      ), "\(info)")
  }
}
