import Testing

@testable import BerthEngine

/// The build-context size line and ADD's download names.
struct BuildHelpersTests {
  @Test(arguments: [(0, "0B"), (2048, "2.048kB"), (3584, "3.584kB"), (999, "999B"), (13_100_000, "13.1MB")])
  func humanSize(bytes: Int, text: String) {
    #expect(BuildContext.humanSize(bytes) == text)
  }

  @Test func downloadNames() {
    #expect(URLFetcher.fileName(path: "/a/b.tar.gz", disposition: nil) == "b.tar.gz")
    #expect(URLFetcher.fileName(path: "/dir/", disposition: "attachment; filename=\"x.txt\"") == "x.txt")
    #expect(URLFetcher.fileName(path: "", disposition: nil) == "")
    #expect(URLFetcher.httpDate("Wed, 21 Oct 2015 07:28:00 GMT")?.timeIntervalSince1970 == 1_445_412_480)
  }
}
