package ai.prometheus.registry.sandbox;

/**
 * The sandbox could not run a request, for a reason that is the platform's and not the tool's.
 * The subclasses tell the fault-tolerance policies apart: {@link Transient} failures are retried
 * and count towards opening the circuit, a {@link Timeout} counts but is not retried (the run may
 * still be going), and the rest (busy, rejected, cancelled) are neither.
 */
public class SandboxFailure extends RuntimeException {

    /** What kind of failure, which decides the answer to the registry's own caller. */
    public enum Kind {
        /** Not reachable, or the circuit is open after repeated failures. */
        UNAVAILABLE,
        /** It answered 429: full; try again after {@link #retryAfterSeconds()}. */
        BUSY,
        /**
         * It answered 409: a run with this idempotency key (this invocation) was accepted earlier
         * and is still going; repeating the request later returns its result.
         */
        IN_PROGRESS,
        /** It refused the request as invalid (e.g. the tool's limits exceed its maxima). */
        REJECTED,
        /** It failed with a server error. */
        FAILED,
        /** No answer within the allowed time. */
        TIMEOUT,
        /** Its caller went away and the call was cancelled (see {@link RunStop}); the sandbox stops the run. */
        CANCELLED
    }

    private final Kind kind;
    private final long retryAfterSeconds;

    public SandboxFailure(Kind kind, String message, long retryAfterSeconds, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Unreachable or a server error: worth another try with the same idempotency key. */
    public static class Transient extends SandboxFailure {
        public Transient(Kind kind, String message, long retryAfterSeconds, Throwable cause) {
            super(kind, message, retryAfterSeconds, cause);
        }
    }

    /** No answer in time: the sandbox is unhealthy, but the run may still finish, so no retry. */
    public static class Timeout extends SandboxFailure {
        public Timeout(String message, Throwable cause) {
            super(Kind.TIMEOUT, message, 0, cause);
        }
    }

    /** What an HTTP status from the sandbox (as a response, or in a stream's error event) means here. */
    static SandboxFailure answered(int status, String retryAfter, String detail, Throwable error) {
        if (status == 429) {
            return new SandboxFailure(
                    Kind.BUSY, "the sandbox is at capacity", retryAfter == null ? 1 : parseLong(retryAfter, 1), error);
        }
        if (status == 409) {
            return new SandboxFailure(
                    Kind.IN_PROGRESS,
                    "an earlier attempt of this invocation is still running",
                    SandboxClient.IN_PROGRESS_RETRY_SECONDS,
                    error);
        }
        if (status >= 400 && status < 500) {
            return new SandboxFailure(Kind.REJECTED, "the sandbox refused the run: " + detail, 0, error);
        }
        return new Transient(Kind.FAILED, "the sandbox failed with HTTP " + status, 1, error);
    }

    private static long parseLong(String value, long fallback) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
