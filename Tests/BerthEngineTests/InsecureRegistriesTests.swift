import BerthEngine
import BerthOCI
import Foundation
import Testing

/// Which registries may be reached over plain HTTP: exact `host[:port]` entries, CIDRs of IP
/// literals (v4 and v6), scheme prefixes dropped, and daemon.json's `insecure-registries`.
struct InsecureRegistriesTests {
  @Test(arguments: [
    ("registry.example:5000", ["registry.example:5000"], true),
    ("registry.example:5000", ["http://registry.example:5000"], true),
    ("registry.example:5000", ["registry.example"], false),
    ("10.1.2.3:5000", ["10.0.0.0/8"], true),
    ("10.1.2.3", ["10.0.0.0/8"], true),
    ("11.1.2.3:5000", ["10.0.0.0/8"], false),
    ("192.168.7.9:443", ["192.168.7.0/24", "10.0.0.0/8"], true),
    ("192.168.8.9:443", ["192.168.7.0/24"], false),
    ("[fd00::5]:5000", ["fd00::/8"], true),
    ("[fe80::5]:5000", ["fd00::/8"], false),
    ("10.1.2.3:5000", [], false),
  ])
  func matching(_ domain: String, _ entries: [String], _ expected: Bool) {
    #expect(InsecureRegistries.matches(domain, entries: entries) == expected)
  }

  @Test func theConfigFileAndItsErrors() throws {
    let file = NSTemporaryDirectory() + "berth-daemon-\(UUID().uuidString.prefix(6)).json"
    defer { try? FileManager.default.removeItem(atPath: file) }
    #expect(try InsecureRegistries.fileEntries(file) == [])
    try #"{"debug": true, "insecure-registries": ["r.example:5000", "10.0.0.0/8"]}"#.write(
      toFile: file, atomically: true, encoding: .utf8)
    #expect(try InsecureRegistries.fileEntries(file) == ["r.example:5000", "10.0.0.0/8"])
    try #"{"insecure-registries": ["10.0.0.0/40"]}"#.write(toFile: file, atomically: true, encoding: .utf8)
    #expect(throws: BerthError.self) { try InsecureRegistries.fileEntries(file) }
    try "{not json".write(toFile: file, atomically: true, encoding: .utf8)
    #expect(throws: BerthError.self) { try InsecureRegistries.fileEntries(file) }
    #expect(throws: BerthError.self) { try InsecureRegistries.validate(["300.0.0.0/8"]) }
    try InsecureRegistries.validate(["r.example:5000", "fd00::/8", "http://r.example"])
  }
}
