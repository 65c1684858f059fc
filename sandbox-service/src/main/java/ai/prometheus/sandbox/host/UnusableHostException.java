package ai.prometheus.sandbox.host;

/** This host cannot isolate code as configured; the message says why and what an operator can do. */
public class UnusableHostException extends RuntimeException {

    public UnusableHostException(String detail) {
        super(detail);
    }
}
