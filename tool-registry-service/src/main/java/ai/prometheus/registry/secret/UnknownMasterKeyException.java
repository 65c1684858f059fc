package ai.prometheus.registry.secret;

/**
 * A tool's data key was wrapped by a master key this replica does not hold (neither the current
 * nor the previous one): the database was filled under another key, or a rotation dropped the old
 * key too early. Only that tool's secrets are unusable; the service keeps running.
 */
public class UnknownMasterKeyException extends IllegalStateException {

    private final String masterKeyId;

    public UnknownMasterKeyException(String masterKeyId) {
        super("a data key was wrapped by master key " + masterKeyId
                + ", which is neither the current nor the previous key");
        this.masterKeyId = masterKeyId;
    }

    public String masterKeyId() {
        return masterKeyId;
    }
}
