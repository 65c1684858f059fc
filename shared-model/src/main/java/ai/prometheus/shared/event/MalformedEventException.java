package ai.prometheus.shared.event;

/** An event that cannot be accepted: not JSON, not a CloudEvent, or a payload of the wrong shape. */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
