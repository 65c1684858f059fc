package ai.prometheus.sandbox.runtime;

/** The sandbox cannot isolate code on this host, so it refuses to run any. */
public class IsolationUnavailableException extends RuntimeException {

    public IsolationUnavailableException(String message) {
        super(message, null, false, false);
    }
}
