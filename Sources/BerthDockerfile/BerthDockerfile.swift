/// BerthDockerfile: the Dockerfile frontend, in three pure stages like BuildKit's.
///
/// 1. ``DockerfileParser`` turns text into ``DockerfileNode``s: parser directives, comments,
///    line continuations, heredocs, JSON (exec) and shell forms, with line numbers and the
///    original text of every instruction.
/// 2. ``Dockerfile/init(parsing:file:)`` turns those nodes into typed ``Instruction``s grouped
///    into ``BuildStage``s, with the global `ARG`s that precede the first `FROM`.
/// 3. ``ShellWordExpander`` expands `$VAR`, `${VAR:-default}` and friends and removes quotes,
///    following BuildKit's shell lexer; ``BuildScope`` tracks which `ARG` and `ENV` values are
///    visible at each step, and ``Instruction/expanded(in:escapeCharacter:)`` applies Docker's
///    rules about which instructions expand variables.
///
/// The module also holds the `.dockerignore` matcher (``DockerignoreMatcher``).
///
/// This module owns text in, data out. It must not do I/O (no files, sockets, clocks or
/// processes) and must not depend on any other Berth module; everything here is testable in
/// milliseconds. The builder reads the files and drives the steps.
public enum BerthDockerfileModule {}
