import Testing

@testable import BerthDockerfile

/// (patterns, path, excluded).
private let matchCases: [([String], String, Bool)] = [
  (["*.md"], "README.md", true),
  (["*.md"], "docs/README.md", false),
  (["**/*.md"], "docs/a/README.md", true),
  (["**/*.md"], "README.md", true),
  (["docs"], "docs/a/b.txt", true),
  (["docs"], "docsx", false),
  (["/docs"], "docs/a", true),
  (["./docs/"], "docs/a", true),
  (["docs/../src"], "src/main.swift", true),
  (["a?c"], "abc", true),
  (["a?c"], "a/c", false),
  (["[a-c]x"], "bx", true),
  (["[^a-c]x"], "bx", false),
  (["[^a-c]x"], "dx", true),
  (["foo**"], "foobar/baz", true),
  (["**"], "anything/at/all", true),
  (["a/**/b"], "a/b", true),
  (["a/**/b"], "a/x/y/b", true),
  (["a/**/b"], "a/x/y/c", false),
  (["**/node_modules"], "x/node_modules/y/z.js", true),
  (["*", "!keep"], "keep", false),
  (["*", "!keep"], "other", true),
  (["!keep", "*"], "keep", true),
  (["docs", "!docs/keep.md"], "docs/keep.md", false),
  (["docs", "!docs/keep.md"], "docs/other.md", true),
  (["docs", "!docs/keep.md", "docs/keep.md"], "docs/keep.md", true),
  (["\\*.txt"], "*.txt", true),
  (["\\*.txt"], "a.txt", false),
  (["  spaced.txt  "], "spaced.txt", true),
  (["*"], ".", false),
  (["a/*/c"], "a/b/c/d", true),
]

@Test("dockerignore matching", arguments: matchCases)
func dockerignoreMatch(patterns: [String], path: String, excluded: Bool) throws {
  let matcher = try DockerignoreMatcher(
    patterns: DockerignoreMatcher.patterns(inDockerignore: patterns.joined(separator: "\n")))
  #expect(matcher.excludes(path) == excluded, "\(patterns) \(path)")
}

@Test func dockerignoreFileParsing() {
  let text = "\u{FEFF}# comment\n\n  /build/  \n!/build/keep\n  # not a comment once indented\n./a/../b\r\n!\n"
  #expect(
    DockerignoreMatcher.patterns(inDockerignore: text) == [
      "build", "!build/keep", "# not a comment once indented", "b", "!",
    ])
}

@Test func dockerignoreErrors() {
  #expect(throws: DockerfileError(file: ".dockerignore", line: 2, message: "illegal exclusion pattern: \"!\"")) {
    try DockerignoreMatcher(parsing: "a\n!\n")
  }
  #expect(throws: DockerfileError(file: ".dockerignore", line: 1, message: "syntax error in pattern")) {
    try DockerignoreMatcher(patterns: ["[abc"])
  }
}

/// (patterns, directory, may be skipped).
private let skipCases: [([String], String, Bool)] = [
  (["node_modules"], "node_modules", true),
  (["node_modules"], "src", false),
  (["docs", "!docs/keep.md"], "docs", false),
  (["docs", "!other/keep.md"], "docs", true),
  (["docs", "!**/keep.md"], "docs", false),
  (["docs", "!*/keep.md"], "docs", false),
  (["docs", "!src/*/keep.md"], "docs", true),
  (["a/b", "!a"], "a/b", false),
  (["a", "!a/b/c"], "a", false),
  (["a", "!a/b/c"], "a/x", true),
]

@Test("dockerignore directory skipping", arguments: skipCases)
func dockerignoreSkip(patterns: [String], directory: String, skippable: Bool) throws {
  #expect(
    try DockerignoreMatcher(patterns: patterns).canSkipDirectory(directory) == skippable, "\(patterns) \(directory)")
}
