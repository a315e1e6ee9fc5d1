import Foundation
import Testing

/// `network create --ipv6`, `run --ip6` and `network connect --ip6`, checked on real containers'
/// interfaces and routes and on the host's bridge; and, through `berth daemon`, the same with
/// the Docker CLI and the API's `CheckDuplicate` and `?scope=`. Subnets are ULA prefixes
/// (`fd42:…`) that no other suite and no host interface here uses.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct NetworkIPv6Tests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  /// The host's bridge device of a network.
  func bridge(_ network: String) -> String {
    box.networkValue("{{index .Options \"com.docker.network.bridge.name\"}}", network)
  }

  @Test func containersGetAddressesRoutesAndReachEachOtherAndTheGateway() throws {
    let made = box.berth(["network", "create", "--ipv6", "--subnet", "fd42:6265:7274:1::/64", "v6"])
    #expect(made.code == 0, "\(made.err)")
    #expect(box.networkValue("{{.EnableIPv6}}", "v6") == "true")
    #expect(box.networkValue("{{(index .IPAM.Config 1).Subnet}}", "v6") == "fd42:6265:7274:1::/64")
    let device = bridge("v6")
    let onHost = BerthFixture.shell("ip -6 addr show dev \(device)").out
    #expect(onHost.contains("inet6 fd42:6265:7274:1::1/64"), "\(onHost)")

    let run = box.berth([
      "run", "-d", "--name", "fixed", "--network", "v6", "--ip6", "fd42:6265:7274:1::f00d", "busybox", "sleep", "100",
    ])
    #expect(run.code == 0, "\(run.err)")
    #expect(box.berth(["run", "-d", "--name", "auto", "--network", "v6", "busybox", "sleep", "100"]).code == 0)
    let fixed = box.berth(["exec", "fixed", "ip", "-6", "addr", "show", "eth0"]).out
    #expect(fixed.contains("inet6 fd42:6265:7274:1::f00d/64 scope global"), "\(fixed)")
    #expect(!fixed.contains("f00d/64 scope global tentative"), "duplicate address detection is off, as in Docker")
    let auto = box.berth(["exec", "auto", "ip", "-6", "addr", "show", "eth0"]).out
    #expect(auto.contains("inet6 fd42:6265:7274:1::2/64"), "\(auto)")
    let routes = box.berth(["exec", "fixed", "ip", "-6", "route"]).out
    #expect(routes.contains("default via fd42:6265:7274:1::1 dev eth0"), "\(routes)")
    // Both ways on the bridge, and to the gateway address on the host's side.
    let toPeer = box.berth(["exec", "auto", "ping", "-c", "1", "-W", "2", "fd42:6265:7274:1::f00d"])
    #expect(toPeer.code == 0, "\(toPeer.out) \(toPeer.err)")
    let toGateway = box.berth(["exec", "fixed", "ping", "-c", "1", "-W", "2", "fd42:6265:7274:1::1"])
    #expect(toGateway.code == 0, "\(toGateway.out) \(toGateway.err)")
    // The network's DNS answers AAAA questions with the IPv6 address.
    let lookup = box.berth(["exec", "auto", "nslookup", "-type=AAAA", "fixed"])
    #expect(lookup.out.contains("fd42:6265:7274:1::f00d"), "\(lookup.out) \(lookup.err)")

    #expect(box.value("{{.NetworkSettings.Networks.v6.GlobalIPv6Address}}", "fixed") == "fd42:6265:7274:1::f00d")
    #expect(box.value("{{.NetworkSettings.Networks.v6.GlobalIPv6PrefixLen}}", "fixed") == "64")
    #expect(box.value("{{.NetworkSettings.Networks.v6.IPv6Gateway}}", "fixed") == "fd42:6265:7274:1::1")
    #expect(box.value("{{.NetworkSettings.Networks.v6.IPAMConfig.IPv6Address}}", "fixed") == "fd42:6265:7274:1::f00d")
    let members = box.networkValue("{{range .Containers}}{{.IPv6Address}} {{end}}", "v6")
    #expect(members.contains("fd42:6265:7274:1::f00d/64") && members.contains("fd42:6265:7274:1::2/64"), "\(members)")

    let taken = box.berth(["run", "--rm", "--network", "v6", "--ip6", "fd42:6265:7274:1::f00d", "busybox", "true"])
    #expect(taken.code != 0 && taken.err.contains("Address already in use"), "\(taken.err)")
    let outside = box.berth(["run", "--rm", "--network", "v6", "--ip6", "fd42:6265:7274:2::1", "busybox", "true"])
    #expect(outside.code != 0 && outside.err.contains("does not belong"), "\(outside.err)")

    box.berth(["rm", "-f", "fixed", "auto"])
    #expect(box.berth(["network", "rm", "v6"]).code == 0)
    #expect(BerthFixture.shell("ip link show \(device)").code != 0, "the bridge outlived its network")
  }

  @Test func connectWithAnIPv6AddressAfterDisconnect() throws {
    let made = box.berth([
      "network", "create", "--ipv6", "--subnet", "fd42:6265:7274:3::/64", "--ip-range", "fd42:6265:7274:3::/96",
      "--gateway", "fd42:6265:7274:3::ffff", "v6c",
    ])
    #expect(made.code == 0, "\(made.err)")
    #expect(box.networkValue("{{(index .IPAM.Config 1).Gateway}}", "v6c") == "fd42:6265:7274:3::ffff")
    #expect(box.berth(["run", "-d", "--name", "c1", "--network", "v6c", "busybox", "sleep", "100"]).code == 0)
    #expect(box.berth(["network", "disconnect", "v6c", "c1"]).code == 0)
    let connect = box.berth(["network", "connect", "--ip6", "fd42:6265:7274:3::f00d", "v6c", "c1"])
    #expect(connect.code == 0, "\(connect.err)")
    let addr = box.berth(["exec", "c1", "ip", "-6", "addr", "show", "eth0"]).out
    #expect(addr.contains("inet6 fd42:6265:7274:3::f00d/64"), "\(addr)")
    let routes = box.berth(["exec", "c1", "ip", "-6", "route"]).out
    #expect(routes.contains("default via fd42:6265:7274:3::ffff"), "\(routes)")
    #expect(box.value("{{.NetworkSettings.Networks.v6c.IPAMConfig.IPv6Address}}", "c1") == "fd42:6265:7274:3::f00d")
    box.berth(["rm", "-f", "c1"])
    box.berth(["network", "rm", "v6c"])
  }

  @Test func anIPv6PoolWithoutIPv6IsKeptButGivesNoAddress() throws {
    let missing = box.berth(["network", "create", "--ipv6", "nopool"])
    #expect(missing.code != 0 && missing.err.contains("non-overlapping IPv6 address pool"), "\(missing.err)")
    #expect(box.berth(["network", "create", "--subnet", "fd42:6265:7274:5::/64", "off"]).code == 0)
    #expect(box.networkValue("{{.EnableIPv6}} {{len .IPAM.Config}}", "off") == "false 2")
    // A pool not in use (no `--ipv6`) collides with nothing, as in dockerd; pools in use do.
    #expect(box.berth(["network", "create", "--ipv6", "--subnet", "fd42:6265:7274:5::/80", "on"]).code == 0)
    let overlap = box.berth(["network", "create", "--ipv6", "--subnet", "fd42:6265:7274:5::/64", "again"])
    #expect(overlap.code != 0 && overlap.err.contains("overlaps"), "\(overlap.err)")
    box.berth(["network", "rm", "on"])
    let run = box.berth([
      "run", "-d", "--name", "quiet", "--network", "off", "--ip6", "fd42:6265:7274:5::9", "busybox", "sleep", "100",
    ])
    #expect(run.code == 0, "\(run.err)")
    let addr = box.berth(["exec", "quiet", "ip", "-6", "addr", "show", "eth0"]).out
    #expect(!addr.contains("fd42:6265:7274:5"), "\(addr)")
    #expect(box.value("{{.NetworkSettings.Networks.off.IPAMConfig.IPv6Address}}", "quiet") == "fd42:6265:7274:5::9")
    #expect(box.value("{{.NetworkSettings.Networks.off.GlobalIPv6Address}}", "quiet") == "")
    let onDefault = box.berth(["run", "--rm", "--ip6", "fd42:6265:7274:5::9", "busybox", "true"])
    #expect(onDefault.code != 0 && onDefault.err.contains("user defined networks"), "\(onDefault.err)")
    box.berth(["rm", "-f", "quiet"])
    box.berth(["network", "rm", "off"])
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/docker"), "needs docker"))
  func dockerCLIAndTheAPIFlags() throws {
    let d = try Daemon(box)
    let made = d.docker(["network", "create", "--ipv6", "--subnet", "fd42:6265:7274:7::/64", "--attachable", "dv6"])
    #expect(made.code == 0, "\(made.err)")
    let flags = "{{.EnableIPv6}} {{.Attachable}} {{.Ingress}} {{.Scope}}"
    #expect(d.docker(["network", "inspect", "-f", flags, "dv6"]).out == "true true false local\n")
    let run = d.docker([
      "run", "--rm", "--network", "dv6", "--ip6", "fd42:6265:7274:7::d0c", "busybox", "ip", "-6", "addr", "show",
      "eth0",
    ])
    #expect(run.out.contains("inet6 fd42:6265:7274:7::d0c/64"), "\(run.out) \(run.err)")
    #expect(
      d.docker(["network", "create", "--ingress", "in"]).err.contains("Ingress network can only be global scope"))
    #expect(d.docker(["network", "create", "--scope", "swarm", "sw"]).err.contains("swarm is not active"))

    // CheckDuplicate: the CLI always sends it; an older API client that does not gets a second
    // network of the same name (dockerd 20.10), which a name then no longer finds.
    #expect(d.docker(["network", "create", "dv6"]).err.contains("already exists"))
    func post(_ path: String, _ body: String) -> String {
      BerthFixture.shell(
        "curl -s --unix-socket \(d.socket) -H 'Content-Type: application/json' -d '\(body)' http://berth\(path)"
      ).out
    }
    #expect(post("/v1.41/networks/create", #"{"Name":"dv6","CheckDuplicate":true}"#).contains("already exists"))
    #expect(post("/v1.44/networks/create", #"{"Name":"dv6"}"#).contains("already exists"))
    let second = post("/v1.41/networks/create", #"{"Name":"dv6"}"#)
    #expect(second.contains("\"Id\"") && second.contains("already exists"), "\(second)")
    #expect(d.docker(["network", "inspect", "dv6"]).err.contains("ambiguous"))
    let get = { (query: String) in
      BerthFixture.shell("curl -s -o /dev/null -w '%{http_code}' --unix-socket \(d.socket) 'http://berth\(query)'").out
    }
    #expect(get("/v1.41/networks/bridge?scope=local") == "200")
    #expect(get("/v1.41/networks/bridge?scope=global") == "404")
    for id in d.docker(["network", "ls", "-q", "--no-trunc", "--filter", "name=dv6"]).out.split(separator: "\n") {
      #expect(d.docker(["network", "rm", String(id)]).code == 0)
    }
  }
}
