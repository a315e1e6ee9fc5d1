/// BerthBuild is the builder's logic below the engine: the step model a Dockerfile becomes
/// (`BuildStep`, `BuildInstruction`, `BuildPlan`), the stage planner (`--target`, skipped
/// stages), Docker's history strings and cache keys, build-arg scoping, `COPY`/`ADD` source
/// resolution inside the build context, symlink-safe paths inside a root filesystem, and the
/// file copier that writes a `COPY` into a mounted rootfs.
///
/// It must not start containers, touch the metadata store or print: the engine's `BuildService`
/// runs the steps. It does not parse Dockerfiles either: `BerthDockerfile` does, and an adapter
/// turns its instructions into `BuildInstruction`s.
public enum BerthBuildModule {}
