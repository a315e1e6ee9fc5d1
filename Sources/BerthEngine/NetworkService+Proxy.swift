import BerthNetwork
import BerthOCI
import BerthSystem
import CBerth

#if canImport(Glibc)
import Glibc
#endif

/// The IPv6 listeners of a container's published ports (see `PortProxy`): one
/// `berth __proxy` process per container, started after its IPv4 rules and stopped with them.
extension NetworkService {
  /// `execRoot/proxies/<short id>.pid`: the proxy's pid and start time.
  func proxyPidFile(_ tag: String) -> String { paths.execRoot + "/proxies/\(tag).pid" }

  /// The proxy routes of a container's bindings: every-address and IPv6 TCP and UDP bindings
  /// (IPv4 addresses are the DNAT rules' alone, as Docker binds only them for `-p 0.0.0.0:…`).
  static func proxyRoutes(_ bindings: [PortBinding], address: IPv4Address) -> [PortProxy.Route] {
    bindings.compactMap { b -> PortProxy.Route? in
      guard ["tcp", "udp"].contains(b.proto), b.hostIP.isEmpty || b.hostIP.contains(":") else { return nil }
      return PortProxy.Route(
        listen: b.hostIP.isEmpty ? "::" : b.hostIP, port: b.hostPort, target: address, targetPort: b.containerPort,
        proto: b.proto)
    }
  }

  /// The container's published ports as Docker reports them (inspect, `port`, PORTS): each
  /// binding, and the IPv6 one of every-address TCP and UDP bindings while the proxy listens there.
  /// In Docker's order.
  public func reportedPorts(of containerID: String) throws -> [PortBinding] {
    var bindings = try ports(of: containerID)
    if FileSystem.exists(proxyPidFile(String(containerID.prefix(12)))) {
      bindings += bindings.filter { ["tcp", "udp"].contains($0.proto) && $0.hostIP.isEmpty }.map { b in
        var twin = b
        twin.hostIP = "::"
        return twin
      }
    }
    return bindings.sorted(by: PortBinding.dockerOrder)
  }

  /// Starts the container's proxy when the host has IPv6 and it has such ports. A proxy that
  /// cannot start (an IPv6 port taken by another program) leaves IPv4 working; it is traced.
  func startProxy(_ plan: NetworkPlan) {
    guard let primary = plan.attachments.first else { return }
    let routes = Self.proxyRoutes(plan.ports, address: primary.endpoint.address)
    guard !routes.isEmpty, PortProxy.hostHasIPv6 else { return }
    stopProxy(plan.tag)
    do {
      try FileSystem.makeDirectory(paths.execRoot + "/proxies", mode: 0o700)
      let (_, text) = try HelperProcess.spawn(
        ["__proxy", "--pid-file", proxyPidFile(plan.tag)] + routes.map(\.argument))
      if text != "ok" { Trace.mark("IPv6 proxy of \(plan.tag) failed: \(text)") }
      Trace.mark("IPv6 proxy started")
    } catch {
      Trace.mark("IPv6 proxy of \(plan.tag) failed: \(error)")
    }
  }

  /// Stops the container's proxy if it runs.
  func stopProxy(_ tag: String) {
    let file = proxyPidFile(tag)
    guard let bytes = try? FileSystem.read(file) else { return }
    let f = String(decoding: bytes, as: UTF8.self).split(separator: " ")
    if f.count == 2, let pid = Int32(f[0]), let start = UInt64(f[1]), Processes.isAlive(pid: pid, startTime: start) {
      kill(pid, SIGKILL)
    }
    unlink(file)
  }

  /// In `berth __proxy`: binds every route, records its pid, reports on reportFd, and relays
  /// until killed.
  public static func serveProxy(routes arguments: [String], pidFile: String, reportFd: Int32) throws -> Never {
    do {
      let routes = try arguments.map { a in
        guard let r = PortProxy.Route(argument: a) else { throw BerthError.invalid("bad proxy route \(a)") }
        return r
      }
      let proxy = PortProxy(routes: routes)
      try proxy.bind()
      let me = getpid()
      try FileSystem.writeAtomically(pidFile, Array("\(me) \(Processes.startTime(of: me) ?? 0)".utf8))
      MonitorReport.send("ok", to: reportFd)
      close(reportFd)
      proxy.serve()
    } catch {
      MonitorReport.send("\(error)", to: reportFd)
      throw error
    }
  }
}
