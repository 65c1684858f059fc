package ai.prometheus.sandbox.launch;

import ai.prometheus.sandbox.host.Language;
import java.nio.file.Path;

/**
 * What is fixed when a sandbox process starts (its rlimits and its workspace), as opposed to what
 * is set when the code arrives (cgroup limits, wall clock, output budget). A warm sandbox serves a
 * request only when the request's profile equals the one it was started with.
 *
 * @param cpuSeconds RLIMIT_CPU, per process
 * @param fileSizeBytes RLIMIT_FSIZE, per file
 * @param processes RLIMIT_NPROC, for the sandbox's own uid
 * @param addressSpaceBytes RLIMIT_AS, or 0 for none
 * @param workspaceBytes size of the private workspace, /tmp and /dev/shm
 * @param sessionWorkspace a session's persistent workspace to mount instead, or null
 */
public record StartProfile(
        Language language,
        long cpuSeconds,
        long fileSizeBytes,
        int processes,
        long addressSpaceBytes,
        long workspaceBytes,
        Path sessionWorkspace) {}
