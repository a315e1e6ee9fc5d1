import Foundation
import Testing

/// `network create --ip-range/--aux-address` and `network connect --ip`, checked on real
/// containers' interfaces.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct NetworkIPAMTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  @Test func addressesComeFromTheRangeAndSkipAuxiliaryOnes() throws {
    let made = box.berth([
      "network", "create", "--subnet", "10.229.0.0/16", "--ip-range", "10.229.5.0/24", "--gateway", "10.229.5.254",
      "--aux-address", "a=10.229.5.0", "--aux-address", "b=10.229.5.1", "ranged",
    ])
    #expect(made.code == 0, "\(made.err)")
    let r = box.berth(["run", "--rm", "--network", "ranged", "busybox", "ip", "-4", "-o", "addr", "show", "eth0"])
    // .0 and .1 are reserved: the first endpoint gets .2, not the subnet's first address.
    #expect(r.out.contains("inet 10.229.5.2/16"), "\(r.out) \(r.err)")
    #expect(box.networkValue("{{(index .IPAM.Config 0).IPRange}}", "ranged") == "10.229.5.0/24")
    #expect(box.networkValue("{{(index .IPAM.Config 0).AuxiliaryAddresses.b}}", "ranged") == "10.229.5.1")
    let outside = box.berth(["network", "create", "--subnet", "10.230.0.0/16", "--ip-range", "10.0.0.0/24", "bad"])
    #expect(outside.code != 0 && outside.err.contains("Invalid IP range"), "\(outside.err)")
    box.berth(["network", "rm", "ranged"])
  }

  // Subnets in 10/8, which Berth's default pools (172.17–31/16, 192.168/20) never hand out to
  // the networks other suites create at the same time.
  @Test func connectAfterDisconnectGivesTheAskedAddress() throws {
    let made = box.berth(["network", "create", "--subnet", "10.227.0.0/16", "n1"])
    #expect(made.code == 0, "\(made.err)")
    let run = box.berth(["run", "-d", "--name", "c1", "--network", "n1", "busybox", "sleep", "100"])
    #expect(run.code == 0, "\(run.err)")
    #expect(box.berth(["network", "disconnect", "n1", "c1"]).code == 0)
    let connect = box.berth(["network", "connect", "--ip", "10.227.5.24", "n1", "c1"])
    #expect(connect.code == 0, "\(connect.err)")
    let addr = box.berth(["exec", "c1", "ip", "-4", "-o", "addr"]).out
    #expect(addr.contains("inet 10.227.5.24/16"), "\(addr)")
    #expect(box.berth(["exec", "c1", "ip", "route"]).out.contains("default via 10.227.0.1"))
    #expect(box.value("{{(index .NetworkSettings.Networks \"n1\").IPAMConfig.IPv4Address}}", "c1") == "10.227.5.24")
    box.berth(["rm", "-f", "c1"])
    box.berth(["network", "rm", "n1"])
  }
}
