// swift-tools-version: 6.0
import PackageDescription

/// Berth: a Docker-compatible container engine. Module layout and dependency direction
/// follow `design.md`: pure modules (BerthOCI, BerthTemplate) do no I/O; everything points down.
let package = Package(
  name: "Berth",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "berth", targets: ["berth"]),
    .executable(name: "berth-monitor", targets: ["berth-monitor"]),
    .executable(name: "berth-init", targets: ["berth-init"]),
    .library(name: "BerthEngine", targets: ["BerthEngine"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
  ],
  targets: [
    // C: the clone → setup → exec path and the libc calls Swift cannot make safely.
    .target(name: "CBerth"),
    // C: the SQLite settings Swift cannot reach (sqlite3_db_config is variadic).
    .target(name: "CBerthSQLite", linkerSettings: [.linkedLibrary("sqlite3")]),
    // libarchive, libdeflate and libseccomp, loaded on first use (CLazyLoad.h); headers from
    // libarchive-dev, libdeflate-dev and libseccomp-dev.
    .target(name: "CLazyLoad"),
    .target(name: "CArchive", dependencies: ["CLazyLoad"]),
    // libdeflate: whole-buffer gzip, twice zlib's speed, for the pieces a push compresses.
    .target(name: "CDeflate", dependencies: ["CLazyLoad"]),
    .target(name: "CSeccomp", dependencies: ["CLazyLoad"]),
    // PURE: image-spec and runtime-spec types, references, digests.
    .target(name: "BerthOCI"),
    // PURE: Go text/template subset for `--format`.
    .target(name: "BerthTemplate"),
    // Syscall wrappers with errno and operands.
    .target(name: "BerthSystem", dependencies: ["CBerth"]),
    // Content store, layer archives, snapshots, registry client.
    .target(
      name: "BerthImage",
      dependencies: [
        "BerthOCI", "BerthSystem", "CArchive", "CBerth", "CDeflate",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
      ]),
    // OCI runtime: namespaces, mounts, cgroups, capabilities, seccomp.
    .target(name: "BerthRuntime", dependencies: ["BerthOCI", "BerthSystem", "CBerth", "CSeccomp"]),
    // C: a socket made inside a container's network namespace from a throwaway thread.
    .target(name: "CBerthNetwork"),
    // Bridges and veths over netlink, IPAM, iptables NAT and port publishing, embedded DNS.
    .target(name: "BerthNetwork", dependencies: ["BerthOCI", "BerthSystem", "CBerthNetwork"]),
    // PURE: Dockerfile lexer → AST → typed instructions, word expansion, .dockerignore matcher.
    .target(name: "BerthDockerfile"),
    // Builder: step model, stage planner, cache keys, COPY sources, layer commit helpers.
    .target(
      name: "BerthBuild",
      dependencies: [
        "BerthDockerfile", "BerthOCI", "BerthImage", "BerthSystem",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    // Services and metadata store.
    .target(
      name: "BerthEngine",
      dependencies: [
        "BerthOCI", "BerthImage", "BerthRuntime", "BerthSystem", "BerthBuild", "BerthDockerfile",
        "BerthNetwork", "CBerthSQLite", .product(name: "GRDB", package: "GRDB.swift"),
      ]),
    // Docker Engine API: wire types, routes, streaming, hijacked connections (SwiftNIO, unix socket).
    .target(
      name: "BerthAPI",
      dependencies: [
        "BerthEngine", "BerthNetwork", "BerthOCI", "BerthRuntime", "BerthSystem", "BerthTemplate", "CBerth",
        "CLazyLoad", .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ]),
    .executableTarget(
      name: "berth",
      dependencies: [
        "BerthAPI", "BerthDockerfile", "BerthEngine", "BerthImage", "BerthSystem", "BerthTemplate", "BerthNetwork",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      // lld with packed relative relocations (DT_RELR, glibc ≥ 2.36): the dynamic loader's
      // work at every start drops from ~140,000 relocation entries (3 MB to read) to 26 KB.
      // --no-export-dynamic undoes the driver's --export-dynamic: nothing looks up berth's own
      // symbols at run time, and 40,000 exported ones (3 MB of .dynsym, .dynstr and .gnu.hash)
      // were read by every start: each library symbol the loader binds is looked up in the
      // executable first, and the runtime's dladdr at start walks the whole .dynsym.
      // scripts/berth.order (made by scripts/order-file.sh) lays out first the functions that a
      // `run` and the daemon execute, so they share about 6 MB of pages instead of faulting in
      // pages all over 27 MB of code; it needs the function sections of
      // scripts/build-release.sh. Names the binary lacks are skipped without a warning.
      // scripts/private-text.ld gathers the private functions, which have no name to order.
      linkerSettings: [
        .unsafeFlags([
          "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
          "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/scripts/berth.order",
          "-Xlinker", "--no-warn-symbol-ordering", "-Xlinker", "\(Context.packageDirectory)/scripts/private-text.ld",
        ])
      ]),
    // C: the per-container monitor (logs, reaping, exit file). Linked statically and without
    // Foundation so an idle monitor stays under 2 MB; bfd with --no-warnings silences the
    // static-glibc dlopen notice from the Swift runtime it does not use.
    .executableTarget(
      name: "berth-monitor", dependencies: ["CBerth"],
      linkerSettings: [.unsafeFlags(["-static-executable", "-use-ld=bfd", "-Xlinker", "--no-warnings"])]),
    // C: the tiny init of `run --init` (signal forwarding, zombie reaping), linked the same way.
    .executableTarget(
      name: "berth-init",
      linkerSettings: [.unsafeFlags(["-static-executable", "-use-ld=bfd", "-Xlinker", "--no-warnings"])]),
    .testTarget(name: "BerthOCITests", dependencies: ["BerthOCI"]),
    .testTarget(name: "BerthTemplateTests", dependencies: ["BerthTemplate"]),
    .testTarget(name: "BerthImageTests", dependencies: ["BerthImage", "CArchive", "CBerth"]),
    .testTarget(name: "BerthRuntimeTests", dependencies: ["BerthRuntime"]),
    .testTarget(name: "BerthEngineTests", dependencies: ["BerthEngine"]),
    .testTarget(name: "BerthDockerfileTests", dependencies: ["BerthDockerfile"], resources: [.copy("Fixtures")]),
    .testTarget(name: "BerthBuildTests", dependencies: ["BerthBuild"]),
    .testTarget(name: "BerthNetworkTests", dependencies: ["BerthNetwork", "BerthOCI"]),
    // BuildCases/ holds the differential tests' build contexts, read from disk.
    .testTarget(
      name: "PrivilegedTests", dependencies: ["BerthEngine", "BerthBuild"], exclude: ["BuildCases", "RegistryFixtures"]),
  ]
)
