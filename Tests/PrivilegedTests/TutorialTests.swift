import Foundation
import Testing

/// The tutorial end to end, exactly as the README's first command runs it (`scripts/demo.sh`),
/// with the berth under test and temporary roots: a Debian base bootstrapped with debootstrap
/// (cached), python:3-slim and redis built from examples/, friendlyhello built from the
/// tutorial's Dockerfile, Redis and the app on one network, the page fetched twice through the
/// published port.
@Suite(
  .enabled(
    if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/sbin/debootstrap"), "needs root, debootstrap"))
struct TutorialTests {
  @Test func demoRunsTheTutorial() throws {
    let box = try Sandbox(image: false)
    let port = 14_000 + Int(getpid() % 1000)
    let r = BerthFixture.run(
      "\(BerthFixture.repo)/scripts/demo.sh", [],
      env: [
        "BERTH": BerthFixture.berth, "BERTH_DATA_ROOT": box.dataRoot, "BERTH_EXEC_ROOT": box.execRoot,
        "DEMO_PORT": "\(port)",
      ])
    #expect(r.code == 0, "demo failed:\n\(r.out.suffix(3000))\n\(r.err.suffix(3000))")
    let pages = r.out.split(separator: "\n").filter { $0.hasPrefix("<h3>Hello World!</h3>") }
    #expect(pages.count == 2)
    #expect(pages.first?.hasSuffix("<b>Visits:</b> 1") == true)
    #expect(pages.last?.hasSuffix("<b>Visits:</b> 2") == true)

    // A layered image: one layer per filesystem step on top of python:3-slim's.
    let base = box.berth(["image", "inspect", "-f", "{{len .RootFS.Layers}}", "python:3-slim"])
    let app = box.berth(["image", "inspect", "-f", "{{len .RootFS.Layers}}", "friendlyhello"])
    #expect(
      Int(app.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        == (Int(base.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -10) + 3)
    // Nothing the demo started is left behind.
    #expect(box.berth(["ps", "-aq", "--filter", "status=running"]).out.isEmpty)
    #expect(!box.berth(["network", "ls"]).out.contains("friendlyhello"))
  }
}
