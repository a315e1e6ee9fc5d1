import BerthEngine
import BerthTemplate
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `_ping`, `/version`, `/info`.
extension APIServer {
  func ping(_ r: APIRequest, _ out: Responder) {
    var headers: [(String, String)] = [
      ("Builder-Version", "1"), ("Cache-Control", "no-cache, no-store, must-revalidate"),
    ]
    headers.append(("Pragma", "no-cache"))
    out.send(
      .ok, body: r.method == .HEAD ? [] : Array("OK".utf8), contentType: "text/plain; charset=utf-8",
      extraHeaders: headers)
  }

  func version(_ r: APIRequest, _ out: Responder) {
    let kernel = Self.uname().release
    let details: JSONValue = [
      "ApiVersion": .string(Self.apiVersion), "Arch": "amd64", "BuildTime": "", "Experimental": "false",
      "GitCommit": "berth", "GoVersion": "swift", "KernelVersion": .string(kernel),
      "MinAPIVersion": .string(Self.minimumAPIVersion), "Os": "linux",
    ]
    out.json([
      "Platform": ["Name": "Berth"],
      "Components": [["Name": "Engine", "Version": .string(Self.engineVersion), "Details": details]],
      "Version": .string(Self.engineVersion), "ApiVersion": .string(Self.apiVersion),
      "MinAPIVersion": .string(Self.minimumAPIVersion), "GitCommit": "berth", "GoVersion": "swift", "Os": "linux",
      "Arch": .string(Self.architecture), "KernelVersion": .string(kernel), "BuildTime": "",
    ])
  }

  func info(_ r: APIRequest, _ out: Responder) throws {
    let containers = try engine.containers.list(all: true)
    let running = containers.filter { $0.state == .running }.count
    let paused = containers.filter { $0.state == .paused }.count
    let images = try engine.images.list()
    let u = Self.uname()
    let hostname = ProcessInfo.processInfo.hostName
    let memory = Int64(sysconf(Int32(_SC_PHYS_PAGES))) * Int64(sysconf(Int32(_SC_PAGESIZE)))
    let cgroupVersion = FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers") ? "2" : "1"
    out.json([
      "ID": .string(Self.daemonID(engine.paths.dataRoot)), "Containers": .int(Int64(containers.count)),
      "ContainersRunning": .int(Int64(running)), "ContainersPaused": .int(Int64(paused)),
      "ContainersStopped": .int(Int64(containers.count - running - paused)), "Images": .int(Int64(images.count)),
      "Driver": "overlay2", "DriverStatus": [["Backing Filesystem", "extfs"]],
      "Plugins": ["Volume": ["local"], "Network": ["bridge", "host", "null"], "Log": ["json-file"]],
      "MemoryLimit": true, "SwapLimit": true, "CpuCfsPeriod": true, "CpuCfsQuota": true, "CPUShares": true,
      "PidsLimit": true, "IPv4Forwarding": true, "Debug": false, "NFd": 0, "OomKillDisable": false,
      "NGoroutines": 0, "SystemTime": .string(Timestamp.now()), "LoggingDriver": "json-file",
      "CgroupDriver": "cgroupfs", "CgroupVersion": .string(cgroupVersion), "NEventsListener": 0,
      "KernelVersion": .string(u.release), "OperatingSystem": .string(Self.operatingSystem()), "OSVersion": "",
      "OSType": "linux", "Architecture": .string(Self.architecture),
      "IndexServerAddress": "https://index.docker.io/v1/", "NCPU": .int(Int64(sysconf(Int32(_SC_NPROCESSORS_ONLN)))),
      "MemTotal": .int(memory), "DockerRootDir": .string(engine.paths.dataRoot),
      "Name": .string(hostname), "Labels": [], "ExperimentalBuild": false,
      "ServerVersion": .string(Self.engineVersion), "Runtimes": ["berth": ["path": "berth-monitor"]],
      "DefaultRuntime": "berth", "Swarm": ["LocalNodeState": "inactive", "ControlAvailable": false],
      "LiveRestoreEnabled": true, "Isolation": "", "InitBinary": "berth-init",
      "SecurityOptions": ["name=seccomp,profile=builtin"], "Warnings": [], "RegistryConfig": Self.registryConfig(),
    ])
  }

  /// `RegistryConfig` as dockerd reports it (`docker info` lists "Insecure Registries" from it):
  /// loopback and the configured CIDRs as insecure ranges, Docker Hub as the one secure index,
  /// and an insecure index per configured host (`--insecure-registry`, daemon.json, env).
  static func registryConfig() -> JSONValue {
    let entries = ((try? InsecureRegistries.entries()) ?? []).map { entry in
      entry.hasPrefix("http://") ? String(entry.dropFirst(7)) : entry
    }
    let cidrs = ["127.0.0.0/8"] + entries.filter { $0.contains("/") }
    var indexes: [(key: String, value: JSONValue)] = [
      ("docker.io", ["Name": "docker.io", "Mirrors": [], "Secure": true, "Official": true])
    ]
    for host in entries where !host.contains("/") && !indexes.contains(where: { $0.key == host }) {
      indexes.append((host, ["Name": .string(host), "Mirrors": [], "Secure": false, "Official": false]))
    }
    return [
      "AllowNondistributableArtifactsCIDRs": nil, "AllowNondistributableArtifactsHostnames": nil,
      "InsecureRegistryCIDRs": .array(cidrs.map { .string($0) }), "IndexConfigs": .object(indexes), "Mirrors": [],
    ]
  }

  static var architecture: String {
    #if arch(x86_64)
    "x86_64"
    #else
    "aarch64"
    #endif
  }

  static func uname() -> (sysname: String, release: String) {
    var u = utsname()
    _ = Glibc.uname(&u)
    func text<T>(_ field: T) -> String {
      withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
    return (text(u.sysname), text(u.release))
  }

  static func operatingSystem() -> String {
    guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) else { return "Linux" }
    for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
      return line.dropFirst(12).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
    return "Linux"
  }

  /// A stable id for this data root.
  static func daemonID(_ root: String) -> String {
    var h: UInt64 = 1_469_598_103_934_665_603
    for b in root.utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
    return String(h, radix: 16, uppercase: true)
  }
}
