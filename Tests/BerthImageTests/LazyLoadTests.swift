import BerthImage
import BerthSystem
import CLazyLoad
import Foundation
import Testing

/// libarchive is loaded on first use and unloaded by berth_lazy_unload_idle (which the daemon
/// calls every few seconds) once no archive is live and none was made for a whole period.
@Suite struct LazyLoadTests {
  static func libarchiveMapped() -> Bool {
    let maps = (try? FileSystem.read("/proc/self/maps")) ?? []
    return String(decoding: maps, as: UTF8.self).contains("/libarchive.so")
  }

  @Test func libarchiveIsUnloadedWhenIdleAndLoadedAgainOnUse() throws {
    let tar = try makeTar("f('a')")
    defer { unlink(tar) }
    #expect(LayerArchive.isTarArchive(tar))
    #expect(Self.libarchiveMapped())
    // Just used: the library stays for at least one more period.
    #expect(berth_lazy_unload_idle() == 0)
    // Other tests of this process use libarchive too, so wait for a period without them, and
    // for a moment in which none loads it again before the maps are read.
    var unmapped = false
    for _ in 0..<500 where !unmapped {
      unmapped = berth_lazy_unload_idle() > 0 && !Self.libarchiveMapped()
      if !unmapped { usleep(10_000) }
    }
    #expect(unmapped)
    // The next use loads it again.
    #expect(LayerArchive.isTarArchive(tar))
    #expect(!LayerArchive.isTarArchive("/proc/self/maps"))
  }
}
