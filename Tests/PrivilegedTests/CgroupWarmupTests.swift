import Foundation
import Testing

@testable import BerthRuntime

/// The cgroup-migration warm-up (Cgroup+Warmup.swift) moves this process only into the cgroup
/// it is already in: membership is unchanged while it runs and after it stops.
@Suite(.enabled(if: isRoot, "needs root"))
struct CgroupWarmupTests {
  @Test func warmUpLeavesThisProcessWhereItWas() throws {
    let file = try #require(Cgroup.ownProcsFile())
    let pids = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
    #expect(pids.contains("\(getpid())"))
    let before = try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)
    Cgroup.warmMigrations(for: 5)
    usleep(50_000)
    #expect(try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) == before)
    Cgroup.stopWarmingMigrations()
    usleep(10_000)
    #expect(try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) == before)
  }
}
