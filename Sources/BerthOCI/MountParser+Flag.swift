extension MountParser {
  /// Parses the CLI's `--mount type=bind|volume|tmpfs,source=…,target=…,readonly,…` (the
  /// docker CLI's `opts/mount.go`): comma-separated `key=value` fields, double-quoted fields
  /// allowed, `readonly` and `volume-nocopy` may stand alone.
  public static func parseMountFlag(_ value: String) throws -> MountSpec {
    var spec = MountSpec()
    var typeGiven = ""
    var sawVolumeOption = false
    var sawBindOption = false
    var sawTmpfsOption = false
    for field in try csvFields(value) {
      let kv = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      let key = kv[0].lowercased()
      if kv.count == 1 {
        switch key {
        case "readonly", "ro":
          spec.readOnly = true
          continue
        case "volume-nocopy":
          spec.noCopy = true
          sawVolumeOption = true
          continue
        default:
          throw BerthError.invalid("invalid field '\(field)' must be a key=value pair")
        }
      }
      let v = kv[1]
      switch key {
      case "type":
        typeGiven = v.lowercased()
      case "source", "src":
        spec.source = v
      case "target", "dst", "destination":
        spec.target = v
      case "readonly", "ro":
        spec.readOnly = try bool(v, key: key)
      case "bind-propagation":
        spec.propagation = v.lowercased()
        sawBindOption = true
      case "volume-nocopy":
        spec.noCopy = try bool(v, key: key)
        sawVolumeOption = true
      case "volume-label":
        let label = v.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        spec.labels = (spec.labels ?? [:]).merging([label[0]: label.count > 1 ? label[1] : ""]) { $1 }
        sawVolumeOption = true
      case "volume-driver":
        guard v == "local" else { throw BerthError.invalid("volume driver \"\(v)\" is not supported (only local)") }
        sawVolumeOption = true
      case "tmpfs-size":
        guard let size = ramInBytes(v) else { throw BerthError.invalid("invalid value for \(key): \(v)") }
        spec.tmpfsSize = size
        sawTmpfsOption = true
      case "tmpfs-mode":
        guard let mode = UInt32(v, radix: 8) else { throw BerthError.invalid("invalid value for \(key): \(v)") }
        spec.tmpfsMode = mode
        sawTmpfsOption = true
      case "consistency":
        continue
      default:
        throw BerthError.invalid("unexpected key '\(kv[0])' in '\(field)'")
      }
    }
    switch typeGiven {
    case "", "volume": spec.type = .volume
    case "bind": spec.type = .bind
    case "tmpfs": spec.type = .tmpfs
    default: throw BerthError.invalid("invalid mount config for type \"\(typeGiven)\": mount type unknown")
    }
    if spec.target.isEmpty { throw BerthError.invalid("target is required") }
    let type = spec.type.rawValue
    if sawVolumeOption && spec.type != .volume {
      throw BerthError.invalid("cannot mix 'volume-*' options with mount type '\(type)'")
    }
    if sawBindOption && spec.type != .bind {
      throw BerthError.invalid("cannot mix 'bind-*' options with mount type '\(type)'")
    }
    if sawTmpfsOption && spec.type != .tmpfs {
      throw BerthError.invalid("cannot mix 'tmpfs-*' options with mount type '\(type)'")
    }
    return spec
  }

  /// The fields of one CSV record: commas separate, double quotes group (`""` is a quote).
  static func csvFields(_ line: String) throws -> [String] {
    var fields: [String] = []
    var current = ""
    var quoted = false
    var chars = Array(line)[...]
    while let c = chars.popFirst() {
      if quoted {
        if c == "\"" {
          if chars.first == "\"" {
            current.append("\"")
            chars.removeFirst()
          } else {
            quoted = false
          }
        } else {
          current.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        fields.append(current)
        current = ""
      } else {
        current.append(c)
      }
    }
    if quoted {
      throw BerthError.invalid(
        "invalid argument \"\(line)\" for \"--mount\" flag: extraneous or missing \" in quoted-field")
    }
    fields.append(current)
    return fields
  }

  /// Go's `strconv.ParseBool`.
  static func bool(_ v: String, key: String) throws -> Bool {
    switch v {
    case "1", "t", "T", "true", "TRUE", "True": return true
    case "0", "f", "F", "false", "FALSE", "False": return false
    default: throw BerthError.invalid("invalid value for \(key): \(v)")
    }
  }

  /// go-units' `RAMInBytes`: `64m`, `1.5g`, `512k`, `100` (binary units, optional `i`/`b`).
  public static func ramInBytes(_ s: String) -> Int64? {
    var text = Substring(s.lowercased())
    if text.hasSuffix("b") { text = text.dropLast() }
    if text.hasSuffix("i") { text = text.dropLast() }
    var factor: Double = 1
    let units: [Character: Double] = [
      "k": 1024, "m": 1_048_576, "g": 1_073_741_824, "t": 1_099_511_627_776, "p": 1_125_899_906_842_624,
    ]
    if let last = text.last, let f = units[last] {
      factor = f
      text = text.dropLast()
    }
    if text.hasSuffix(" ") { text = text.dropLast() }
    guard !text.isEmpty, text.allSatisfy({ $0.isNumber || $0 == "." }), let n = Double(text), n >= 0 else {
      return nil
    }
    return Int64(n * factor)
  }
}
