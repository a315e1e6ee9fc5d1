import Foundation
import Testing

@testable import BerthDockerfile

/// Compares our parser with BuildKit's own, through the PyPI package `dockerfile` (which wraps
/// BuildKit's Go parser), on every fixture. Skipped when `python3 -c "import dockerfile"` fails.
enum BuildKitReference {
  static let script = """
    import json, sys, dockerfile
    try:
        commands = dockerfile.parse_string(sys.stdin.read())
    except Exception as error:
        print(json.dumps({"error": str(error)}))
        sys.exit(0)
    print(json.dumps([{"cmd": c.cmd, "sub": c.sub_cmd, "json": c.json, "original": c.original,
        "start": c.start_line, "end": c.end_line, "flags": list(c.flags), "value": list(c.value)}
        for c in commands]))
    """

  static func run(_ text: String) -> JSONValue? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      return nil
    }
    input.fileHandleForWriting.write(Data(text.utf8))
    try? input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return try? JSONValue.parse(String(decoding: data, as: UTF8.self))
  }

  static let available: Bool = run("FROM scratch\n") != nil

  /// Fixtures where the BuildKit inside the PyPI package (an older release) differs from current
  /// BuildKit, which Berth follows: it accepts text after a JSON array (`RUN ["a"] b`).
  static let olderBuildKitDiffers: Set<String> = ["json-trailing-text"]
}

@Test(
  "fixtures parse as BuildKit parses them", .enabled(if: BuildKitReference.available),
  arguments: Fixtures.names.filter { !BuildKitReference.olderBuildKitDiffers.contains($0) })
func buildKitCrossCheck(name: String) throws {
  let text = try Fixtures.dockerfile(name)
  let reference = try #require(BuildKitReference.run(text))
  guard case .array(let commands) = reference else {
    #expect(throws: DockerfileError.self, "BuildKit rejects \(name): \(reference)") { try DockerfileParser.parse(text) }
    return
  }
  let tree: DockerfileSyntaxTree
  do {
    tree = try DockerfileParser.parse(text)
  } catch {
    Issue.record("\(name): BuildKit parses it, we fail with \(error)")
    return
  }
  #expect(tree.nodes.count == commands.count, "\(name)")
  for (node, command) in zip(tree.nodes, commands) {
    guard case .object(let fields) = command else { continue }
    let isOnBuild = node.keyword == "onbuild"
    let arguments = isOnBuild ? Array(node.arguments.dropFirst()) : node.arguments
    #expect(fields["cmd"] == .string(node.command), "\(name):\(node.startLine)")
    #expect(fields["start"] == .number(Int64(node.startLine)), "\(name):\(node.startLine)")
    #expect(fields["end"] == .number(Int64(node.endLine)), "\(name):\(node.startLine)")
    #expect(fields["flags"] == .array(node.flags.map(JSONValue.string)), "\(name):\(node.startLine)")
    // BuildKit keeps one empty argument for unknown instructions and nested ONBUILDs (both errors later).
    let comparable = Instruction.keywords.contains(node.command.uppercased()) && node.trigger?.keyword != "onbuild"
    if comparable {
      #expect(fields["value"] == .array(arguments.map(JSONValue.string)), "\(name):\(node.startLine)")
    }
    #expect(
      fields["json"] == .bool(isOnBuild ? (node.trigger?.isJSON ?? false) : node.isJSON), "\(name):\(node.startLine)")
    if isOnBuild { #expect(fields["sub"] == .string(node.trigger?.command ?? ""), "\(name)") }
    if node.heredocs.isEmpty {
      #expect(fields["original"] == .string(node.original), "\(name):\(node.startLine)")
    }
  }
}
