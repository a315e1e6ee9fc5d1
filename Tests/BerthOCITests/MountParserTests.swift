import Testing

@testable import BerthOCI

/// `-v`, `--mount`, `--tmpfs` and `--volumes-from` parsing, with moby's results and messages.
@Suite struct MountParserTests {
  /// One valid `-v` and what it resolves to.
  struct VolumeCase: Sendable, CustomStringConvertible {
    var raw: String
    var type: MountType
    var source = ""
    var name = ""
    var destination: String
    var readWrite = true
    var mode = ""
    var propagation = ""
    var anonymous = false
    var copyData = false
    var description: String { raw }
  }

  @Test(arguments: [
    VolumeCase(raw: "/host:/ctr", type: .bind, source: "/host", destination: "/ctr", propagation: "rprivate"),
    VolumeCase(
      raw: "/host/:/ctr/sub/../x:ro", type: .bind, source: "/host", destination: "/ctr/x", readWrite: false,
      mode: "ro", propagation: "rprivate"),
    VolumeCase(
      raw: "/h:/c:rw,rshared", type: .bind, source: "/h", destination: "/c", mode: "rw,rshared",
      propagation: "rshared"),
    VolumeCase(raw: "data:/data", type: .volume, name: "data", destination: "/data", mode: "z", copyData: true),
    VolumeCase(
      raw: "data:/data:ro,nocopy", type: .volume, name: "data", destination: "/data", readWrite: false,
      mode: "ro,nocopy"),
    VolumeCase(raw: "/data", type: .volume, destination: "/data", mode: "z", anonymous: true, copyData: true),
  ])
  func volume(_ c: VolumeCase) throws {
    let p = try MountParser.parseVolume(c.raw)
    #expect(p.type == c.type)
    #expect(p.source == c.source)
    #expect(p.name == c.name)
    #expect(p.destination == c.destination)
    #expect(p.readWrite == c.readWrite)
    #expect(p.mode == c.mode)
    #expect(p.propagation == c.propagation)
    #expect(p.anonymous == c.anonymous)
    #expect(p.copyData == c.copyData)
    #expect(p.createSource == (c.type == .bind))
  }

  @Test(arguments: [
    ("", "invalid volume specification: ''"),
    (":/x", "invalid volume specification: ':/x'"),
    ("/x:rw", "invalid volume specification: '/x:rw'"),
    ("a:b:c:d", "invalid volume specification: 'a:b:c:d'"),
    ("/a:/b:bogus", "invalid mode: bogus"),
    ("/a:/b:ro,rw", "invalid mode: ro,rw"),
    (
      "/a:rel",
      "invalid volume specification: '/a:rel': invalid mount config for type \"bind\": "
        + "invalid mount path: 'rel' mount path must be absolute"
    ),
    (
      "name:/",
      "invalid volume specification: 'name:/': invalid mount config for type \"volume\": "
        + "invalid specification: destination can't be '/'"
    ),
    (
      "/x:ro,z", "invalid volume specification: '/x:ro,z'"
    ),
  ])
  func volumeErrors(_ raw: String, _ message: String) {
    #expect(throws: BerthError.invalid(message)) { try MountParser.parseVolume(raw) }
  }

  @Test func mountFlagForms() throws {
    let bind = try MountParser.parseMountFlag("type=bind,source=/h,target=/c,readonly,bind-propagation=rslave")
    #expect(bind.type == .bind && bind.source == "/h" && bind.target == "/c" && bind.readOnly)
    #expect(bind.propagation == "rslave")
    let point = try MountParser.mountPoint(for: bind)
    #expect(point.propagation == "rslave" && !point.readWrite && !point.createSource && point.mode == "")

    let volume = try MountParser.parseMountFlag("src=v1,dst=/data,volume-nocopy,volume-label=a=b")
    #expect(volume.type == .volume && volume.source == "v1" && volume.noCopy && volume.labels == ["a": "b"])
    #expect(try MountParser.mountPoint(for: volume).copyData == false)

    let anon = try MountParser.mountPoint(for: MountParser.parseMountFlag("type=volume,destination=/a/"))
    #expect(anon.anonymous && anon.destination == "/a" && anon.copyData)

    let tmpfs = try MountParser.parseMountFlag("type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1770,ro=true")
    #expect(tmpfs.tmpfsSize == 64 << 20 && tmpfs.tmpfsMode == 0o1770)
    #expect(try MountParser.mountPoint(for: tmpfs).tmpfsOptions == "ro,mode=1770,size=64m")

    let quoted = try MountParser.parseMountFlag("\"type=bind\",\"source=/a,b\",target=/c")
    #expect(quoted.source == "/a,b")
  }

  @Test(arguments: [
    ("type=bind,source=/a", "target is required"),
    ("type=nfs,target=/a", "invalid mount config for type \"nfs\": mount type unknown"),
    ("type=bind,target=/a,bogus=1", "unexpected key 'bogus' in 'bogus=1'"),
    ("type=bind,target=/a,nokey", "invalid field 'nokey' must be a key=value pair"),
    ("type=bind,target=/a,readonly=maybe", "invalid value for readonly: maybe"),
    ("type=bind,target=/a,volume-nocopy", "cannot mix 'volume-*' options with mount type 'bind'"),
    ("type=volume,target=/a,bind-propagation=shared", "cannot mix 'bind-*' options with mount type 'volume'"),
    ("type=bind,target=/a,tmpfs-size=1m", "cannot mix 'tmpfs-*' options with mount type 'bind'"),
    ("type=tmpfs,target=/a,tmpfs-size=lots", "invalid value for tmpfs-size: lots"),
  ])
  func mountFlagErrors(_ raw: String, _ message: String) {
    #expect(throws: BerthError.invalid(message)) { try MountParser.parseMountFlag(raw) }
  }

  @Test(arguments: [
    ("type=bind,target=/a", "invalid mount config for type \"bind\": field Source must not be empty"),
    (
      "type=bind,source=rel,target=/a",
      "invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute"
    ),
    (
      "type=bind,source=/h,target=/a,bind-propagation=weird",
      "invalid mount config for type \"bind\": invalid propagation mode: weird"
    ),
    (
      "type=volume,target=/a,readonly",
      "invalid mount config for type \"volume\": must not set ReadOnly mode when using anonymous volumes"
    ),
    ("type=tmpfs,source=x,target=/a", "invalid mount config for type \"tmpfs\": field Source must not be specified"),
    (
      "type=volume,target=rel",
      "invalid mount config for type \"volume\": invalid mount path: 'rel' mount path must be absolute"
    ),
  ])
  func mountPointErrors(_ raw: String, _ message: String) throws {
    let spec = try MountParser.parseMountFlag(raw)
    #expect(throws: BerthError.invalid(message)) { try MountParser.mountPoint(for: spec) }
  }

  @Test func tmpfsAndVolumesFrom() throws {
    let t = try MountParser.parseTmpfs("/run/:size=1m,ro")
    #expect(t.destination == "/run" && t.tmpfsOptions == "size=1m,ro" && !t.readWrite)
    #expect(throws: BerthError.invalid("invalid mount path: 'run' mount path must be absolute")) {
      try MountParser.parseTmpfs("run")
    }
    #expect(try MountParser.parseVolumesFrom("web") == ("web", "rw"))
    #expect(try MountParser.parseVolumesFrom("web:ro") == ("web", "ro"))
    #expect(throws: BerthError.invalid("invalid mode: rshared")) { try MountParser.parseVolumesFrom("web:rshared") }
    #expect(throws: BerthError.invalid("invalid mode: nocopy")) { try MountParser.parseVolumesFrom("web:nocopy") }
  }

  @Test(arguments: [
    ("64m", Int64(64 << 20)), ("1.5g", Int64(3 << 29)), ("512k", 512 << 10), ("100", 100), ("2MiB", 2 << 20),
  ])
  func ramSizes(_ text: String, _ bytes: Int64) {
    #expect(MountParser.ramInBytes(text) == bytes)
  }
}
