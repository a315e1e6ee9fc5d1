import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The push path against Debian's `docker-registry`: layers compressed straight into a streamed
/// upload with a digest that stays the same from push to push, chunked uploads with
/// `Content-Range`, and foreign layers fetched from their URLs and never pushed.
@Suite(
  .enabled(
    if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-registry"),
    "needs root and docker-registry"),
  .serialized)
struct RegistryPushTests {
  /// A sandbox whose image `ref` is busybox plus a layer of 12 MiB of text and 9 MiB of random
  /// bytes (three compression pieces); returns it with the md5 of both files.
  static func bigImage(_ ref: String) throws -> (Sandbox, String) {
    let box = try Sandbox()
    let context = box.dataRoot + "-context"
    try FileManager.default.createDirectory(atPath: context + "/data", withIntermediateDirectories: true)
    let made = BerthFixture.shell(
      """
      cd \(context) && yes 'a line of a text file in a layer' | head -c 12M > data/text && \
      head -c 9M /dev/urandom > data/random && printf 'FROM busybox\\nCOPY data /data\\n' > Dockerfile && \
      md5sum data/text data/random | cut -c1-32 | tr '\\n' ' '
      """)
    #expect(made.code == 0, "\(made.err)")
    let build = box.berth(["build", "-q", "-t", ref, context])
    #expect(build.code == 0, "\(build.out)\(build.err)")
    return (box, made.out)
  }

  static func digest(of push: (code: Int32, out: String, err: String)) -> String {
    push.out.split(separator: "\n").last { $0.contains(": digest: ") }.map { String($0.split(separator: " ")[2]) }
      ?? ""
  }

  /// md5 of /data/text and /data/random in image `ref`, pulled into an empty root.
  static func pulledFiles(_ ref: String) throws -> String {
    let target = try Sandbox(image: false)
    let pull = target.berth(["pull", ref])
    #expect(pull.code == 0, "\(pull.out)\(pull.err)")
    let run = target.berth([
      "run", "--rm", "--network", "none", ref, "sh", "-c", "md5sum /data/text /data/random | cut -c1-32 | tr '\\n' ' '",
    ])
    #expect(run.code == 0, "\(run.err)")
    return run.out
  }

  @Test func layersStreamIntoTheUploadWithTheSameDigestOnEveryPush() throws {
    let first = try LocalRegistry()
    let second = try LocalRegistry()
    let ref = "\(first.address)/big/img:1"
    let (box, sums) = try Self.bigImage(ref)
    let push = box.berth(["push", ref])
    #expect(push.code == 0, "\(push.out)\(push.err)")
    #expect(push.out.contains("Pushed"), "\(push.out)")
    // Nothing of the compressed layer is left on disk.
    #expect(BerthFixture.shell("ls \(box.dataRoot)/tmp 2>/dev/null | wc -l").out.hasPrefix("0"))

    // Another registry gets the same bytes, so the same manifest digest.
    let other = "\(second.address)/big/img:1"
    #expect(box.berth(["tag", ref, other]).code == 0)
    let again = box.berth(["push", other])
    #expect(again.code == 0, "\(again.out)\(again.err)")
    #expect(Self.digest(of: again) == Self.digest(of: push))
    #expect(!Self.digest(of: push).isEmpty)
    let third = box.berth(["push", other])
    #expect(third.out.contains("Layer already exists"), "\(third.out)")
    #expect(!third.out.contains("Pushed"), "\(third.out)")

    // The blob is a gzip stream of several members that gzip and Berth read back.
    #expect(try Self.pulledFiles(other) == sums)
    let raw = BerthFixture.run(
      "/usr/bin/curl",
      [
        "-sf", "-H", "Accept: application/vnd.docker.distribution.manifest.v2+json",
        "http://\(second.address)/v2/big/img/manifests/1",
      ]
    ).out
    let manifest = try JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any]
    let last = (manifest?["layers"] as? [[String: Any]])?.last?["digest"] as? String ?? ""
    let listed = BerthFixture.shell(
      "curl -sf http://\(second.address)/v2/big/img/blobs/\(last) | gzip -dc | tar -t")
    #expect(listed.out.contains("data/random"), "\(listed.err)")
  }

  @Test func chunkedUploadsSendContentRangesAndGiveTheSameBlobs() throws {
    let registry = try LocalRegistry(accessLog: true)
    let streamed = try LocalRegistry()
    let ref = "\(registry.address)/chunked/img:1"
    let (box, sums) = try Self.bigImage(ref)
    let push = box.berth(["push", ref], env: ["BERTH_UPLOAD_CHUNK_SIZE": "\(1 << 20)"])
    #expect(push.code == 0, "\(push.out)\(push.err)")
    let log = (try? String(contentsOfFile: registry.logFile, encoding: .utf8)) ?? ""
    let patches = log.split(separator: "\n").filter { $0.contains("\"PATCH /v2/chunked/img/blobs/uploads/") }
    // The big layer alone is over 9 MiB compressed (the random half does not shrink).
    #expect(patches.count >= 10, "\(patches.count) PATCH requests")
    #expect(patches.allSatisfy { $0.contains("\" 202 ") }, "\(patches)")
    #expect(try Self.pulledFiles(ref) == sums)

    let other = "\(streamed.address)/chunked/img:1"
    #expect(box.berth(["tag", ref, other]).code == 0)
    let whole = box.berth(["push", other])
    #expect(Self.digest(of: whole) == Self.digest(of: push), "\(whole.out)")
  }

  @Test func foreignLayersComeFromTheirURLsAndAreNeverPushed() throws {
    let registry = try LocalRegistry()
    let (_, _, _) = try RegistryTests.pushed(registry, "foreign/base:latest")
    let served = NSTemporaryDirectory() + "berth-foreign-\(UUID().uuidString.prefix(6))"
    try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
    defer { BerthFixture.shell("rm -rf \(served)") }
    let port = LocalRegistry.freePort()
    let made = BerthFixture.run(
      "/usr/bin/python3",
      [
        LocalRegistry.fixtures + "/foreign_image.py", registry.address, "foreign/base", "foreign/app", served,
        "http://127.0.0.1:\(port)/layer.tar.gz",
      ])
    #expect(made.code == 0, "\(made.err)")
    let foreign = made.out.trimmingCharacters(in: .whitespacesAndNewlines)
    // The registry does not have the foreign blob; only the URL serves it.
    let head = BerthFixture.shell(
      "curl -s -o /dev/null -w '%{http_code}' -I http://\(registry.address)/v2/foreign/app/blobs/\(foreign)")
    #expect(head.out == "404")

    let server = try BerthFixture.startServer(
      "/usr/bin/python3", ["-m", "http.server", "--bind", "127.0.0.1", "--directory", served, "\(port)"])
    defer { BerthFixture.stop(server) }
    LocalRegistry.waitForPort(port)

    let target = try Sandbox(image: false)
    let app = "\(registry.address)/foreign/app:latest"
    let pull = target.berth(["pull", app])
    #expect(pull.code == 0, "\(pull.out)\(pull.err)")
    let run = target.berth(["run", "--rm", "--network", "none", app, "cat", "/foreign.txt"])
    #expect(run.out == "from a foreign URL\n", "\(run.err)")

    // Pushed elsewhere, the foreign layer keeps its descriptor and is not uploaded.
    let copy = "\(registry.address)/foreign/copy:latest"
    #expect(target.berth(["tag", app, copy]).code == 0)
    let push = target.berth(["push", copy])
    #expect(push.code == 0, "\(push.out)\(push.err)")
    #expect(push.out.contains("Skipped foreign layer"), "\(push.out)")
    let raw = BerthFixture.run(
      "/usr/bin/curl",
      [
        "-sf", "-H", "Accept: application/vnd.docker.distribution.manifest.v2+json",
        "http://\(registry.address)/v2/foreign/copy/manifests/latest",
      ]
    ).out
    let manifest = try JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any]
    let layer = (manifest?["layers"] as? [[String: Any]])?.last
    #expect(layer?["mediaType"] as? String == "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip")
    #expect(layer?["digest"] as? String == foreign)
    #expect(layer?["urls"] as? [String] == ["http://127.0.0.1:\(port)/layer.tar.gz"])
    let copied = BerthFixture.shell(
      "curl -s -o /dev/null -w '%{http_code}' -I http://\(registry.address)/v2/foreign/copy/blobs/\(foreign)")
    #expect(copied.out == "404")
  }
}
