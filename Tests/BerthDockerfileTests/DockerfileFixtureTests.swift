import Foundation
import Testing

@testable import BerthDockerfile

/// The golden fixtures: `Fixtures/<case>/Dockerfile` and the expected rendering in `expected.json`.
/// Set `BERTH_RECORD_FIXTURES=1` to rewrite `expected.json` from the current output (then review the diff).
enum Fixtures {
  static var root: URL? { Bundle.module.url(forResource: "Fixtures", withExtension: nil) }

  static var names: [String] {
    guard let root else { return [] }
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return entries.filter { !$0.hasPrefix(".") }.sorted()
  }

  static func dockerfile(_ name: String) throws -> String {
    let url = try #require(root).appendingPathComponent(name).appendingPathComponent("Dockerfile")
    return String(decoding: try Data(contentsOf: url), as: UTF8.self)
  }
}

@Test("fixture count") func fixtureCount() {
  #expect(Fixtures.names.count >= 30)
}

@Test("golden fixtures", arguments: Fixtures.names)
func goldenFixture(name: String) throws {
  let rendered = FixtureRendering.render(try Fixtures.dockerfile(name))
  if ProcessInfo.processInfo.environment["BERTH_RECORD_FIXTURES"] == "1" {
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures").appendingPathComponent(name).appendingPathComponent("expected.json")
    try Data((rendered.rendered() + "\n").utf8).write(to: source)
    return
  }
  let url = try #require(Fixtures.root).appendingPathComponent(name).appendingPathComponent("expected.json")
  let expected = try JSONValue.parse(String(decoding: try Data(contentsOf: url), as: UTF8.self))
  #expect(rendered == expected, "\(name):\n\(rendered.rendered())")
}
