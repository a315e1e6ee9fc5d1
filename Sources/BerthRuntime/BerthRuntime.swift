/// BerthRuntime turns a `RuntimeSpec` (the OCI runtime spec's shape) into a running container:
/// the init's setup plan (mounts, devices, masked paths), cgroups v1 and v2, capabilities,
/// rlimits, user lookup and the seccomp filter, then `ContainerProcess.start` hands it to the C
/// init in CBerth.
///
/// It must not touch the metadata store or images beyond the paths a spec names, and never runs
/// Swift code in a forked child: everything between clone and execve is CBerth's C.
public enum BerthRuntimeModule {}
