package ai.prometheus.shared.sandbox;

/** How a sandboxed run ended: one closed set, the same for every language and every caller. */
public enum ExecutionStatus {
    /** Exited 0 within every limit. */
    OK,
    /** Exited non-zero or was killed by a signal of its own making. */
    RUNTIME_ERROR,
    /** Used up its CPU time. */
    TIMEOUT_CPU,
    /** Ran past its wall-clock limit; the whole process tree was killed. */
    TIMEOUT_WALL,
    /** Tried to use more memory than allowed. */
    MEMORY_LIMIT,
    /** Tried to start more processes or threads than allowed. */
    PROCESS_LIMIT,
    /** Wrote more to stdout and stderr than allowed. */
    OUTPUT_LIMIT,
    /** Wrote a file larger than allowed or filled its workspace. */
    FILE_LIMIT,
    /** Moved more bytes or opened more connections through the egress proxy than allowed; its connections were cut. */
    EGRESS_LIMIT,
    /** Refused before running by the safety screen. */
    POLICY_DENIED,
    /** The platform could not run the code; not the code's fault. */
    INTERNAL_ERROR,
    /** Stopped because its caller cancelled it; neither the code's fault nor the platform's. */
    CANCELLED;

    /** Whether the failure is the platform's fault rather than the submitted code's. */
    public boolean platformFault() {
        return this == INTERNAL_ERROR;
    }

    public boolean succeeded() {
        return this == OK;
    }
}
