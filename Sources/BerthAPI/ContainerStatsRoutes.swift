import BerthEngine
import BerthOCI
import BerthTemplate
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `GET /containers/{id}/stats` (streamed or one sample) and `POST /containers/{id}/update`.
extension APIServer {
  func containerStats(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let c = try engine.containers.get(ref)
    let stream = r.query["stream"].map { $0 == "1" || $0.lowercased() == "true" } ?? true
    var previous: ContainerStats? = nil
    var previousDate = Date()
    if !stream && !r.flag("one-shot") {
      // One sample with a CPU delta, as Docker: two readings a moment apart.
      previous = try engine.containers.stats(c.id)
      usleep(500_000)
    }
    if !stream {
      out.json(Self.statsDocument(try engine.containers.stats(c.id), previous: previous, previousDate: previousDate))
      return
    }
    out.startStream(contentType: "application/json")
    defer { _ = try? out.endStream().wait() }
    while out.channel.isActive {
      guard let sample = try? engine.containers.stats(c.id) else { return }
      let doc = Self.statsDocument(sample, previous: previous, previousDate: previousDate)
      guard out.write(Array((doc.jsonString(escapeHTML: false) + "\n").utf8)) else { return }
      previous = sample
      previousDate = Date()
      sleep(1)
    }
  }

  /// Docker's stats document (the fields its CLI and docker-py read).
  static func statsDocument(_ s: ContainerStats, previous: ContainerStats?, previousDate: Date) -> JSONValue {
    func cpu(_ s: ContainerStats?) -> JSONValue {
      [
        "cpu_usage": [
          "total_usage": .int(Int64(s?.cpuUsage ?? 0)), "usage_in_kernelmode": 0, "usage_in_usermode": 0,
        ],
        "system_cpu_usage": .int(Int64(s?.systemUsage ?? 0)), "online_cpus": .int(Int64(s?.onlineCPUs ?? 0)),
        "throttling_data": ["periods": 0, "throttled_periods": 0, "throttled_time": 0],
      ]
    }
    let io: [JSONValue] = [
      ["major": 0, "minor": 0, "op": "read", "value": .int(Int64(s.blockRead))],
      ["major": 0, "minor": 0, "op": "write", "value": .int(Int64(s.blockWritten))],
    ]
    return [
      "read": .string(Timestamp.now()),
      "preread": .string(previous == nil ? "0001-01-01T00:00:00Z" : Timestamp.format(previousDate)),
      "pids_stats": ["current": .int(Int64(s.pids))],
      "blkio_stats": ["io_service_bytes_recursive": .array(io)],
      "num_procs": 0, "storage_stats": [:], "cpu_stats": cpu(s), "precpu_stats": cpu(previous),
      "memory_stats": ["usage": .int(Int64(s.memoryUsage)), "limit": .int(Int64(s.memoryLimit)), "stats": [:]],
      "name": .string("/" + s.name), "id": .string(s.id),
      "networks": [
        "eth0": [
          "rx_bytes": .int(Int64(s.networkReceived)), "tx_bytes": .int(Int64(s.networkSent)), "rx_packets": 0,
          "tx_packets": 0, "rx_errors": 0, "tx_errors": 0, "rx_dropped": 0, "tx_dropped": 0,
        ]
      ],
    ]
  }

  /// `POST /commit?container=&repo=&tag=&comment=&author=&changes=&pause=`: a new image from a
  /// container's changes (the body, a container config, is not applied).
  func commitContainer(_ r: APIRequest, _ out: Responder) throws {
    guard let ref = r.query["container"], !ref.isEmpty else { throw BerthError.invalid("container is required") }
    var o = CommitOptions()
    if let repo = r.query["repo"], !repo.isEmpty {
      let tag = r.query["tag"].flatMap { $0.isEmpty ? nil : $0 }
      o.reference = tag.map { repo + ":" + $0 } ?? repo
    }
    o.author = r.query["author"].flatMap { $0.isEmpty ? nil : $0 }
    o.message = r.query["comment"].flatMap { $0.isEmpty ? nil : $0 }
    o.changes = r.queryAll("changes").filter { !$0.isEmpty }
    o.pause = r.query["pause"].map { $0 != "0" && $0.lowercased() != "false" } ?? true
    let id = try engine.containers.commit(ref, o)
    out.json(["Id": .string(id.description)], status: .created)
  }

  struct UpdateBody: Decodable {
    var Memory: Int64?
    var MemorySwap: Int64?
    var NanoCpus: Int64?
    var CpuShares: Int64?
    var PidsLimit: Int64?
    var RestartPolicy: CreateBody.RestartPolicyBody?
  }

  func updateContainer(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let body = try r.decode(UpdateBody.self)
    var o = UpdateOptions()
    // Docker's clients send zeros for what they do not change.
    o.memory = body.Memory.flatMap { $0 == 0 ? nil : $0 }
    o.memorySwap = body.MemorySwap.flatMap { $0 == 0 ? nil : $0 }
    o.nanoCPUs = body.NanoCpus.flatMap { $0 == 0 ? nil : $0 }
    o.cpuShares = body.CpuShares.flatMap { $0 == 0 ? nil : $0 }
    o.pidsLimit = body.PidsLimit.flatMap { $0 == 0 ? nil : $0 }
    if let policy = body.RestartPolicy, let name = policy.Name, !name.isEmpty {
      let count = policy.MaximumRetryCount ?? 0
      o.restartPolicy = try RestartPolicy(parsing: name == "on-failure" && count > 0 ? "\(name):\(count)" : name)
    }
    try engine.containers.update(ref, o)
    out.json(["Warnings": []])
  }
}
