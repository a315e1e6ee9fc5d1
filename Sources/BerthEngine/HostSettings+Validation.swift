import BerthOCI
import BerthRuntime

extension HostSettings {
  /// Checks the namespace modes, isolation, cpuset, swappiness and device rules as dockerd does
  /// at create, with its messages.
  func validateResources() throws {
    for (flag, mode) in [("PID", pidMode), ("UTS", utsMode)] {
      if let mode, mode != "host" { throw BerthError.invalid("invalid \(flag) mode: \(mode)") }
    }
    if let mode = cgroupnsMode, mode != "host" && mode != "private" {
      throw BerthError.invalid("invalid cgroup namespace mode: \(mode)")
    }
    if let isolation, isolation != "default" {
      throw BerthError.invalid("Invalid isolation: \"\(isolation)\" - linux only supports 'default'")
    }
    if let s = memorySwappiness, !(0...100).contains(s) {
      throw BerthError.invalid("Invalid value: \(s), valid memory swappiness range is 0-100")
    }
    for (flag, list) in [("cpus", cpusetCpus), ("mems", cpusetMems)] {
      guard let list else { continue }
      let ok = list.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { part in
        let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
        return (1...2).contains(bounds.count) && bounds.allSatisfy { UInt32($0) != nil }
      }
      if !ok { throw BerthError.invalid("Invalid value \(list) for cpuset \(flag)") }
    }
    for rule in deviceCgroupRules ?? [] { try Cgroup.validateDeviceRule(rule) }
  }
}
