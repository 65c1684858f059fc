package ai.prometheus.shared.secret;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Replaces the values of a run's secrets in what the run produced (stdout, stderr, messages,
 * results) with {@code [REDACTED:NAME]}. What it produces is stored and shown, so each algorithm
 * has a version: a new version is a new class, and an old one never changes.
 */
public interface SecretRedaction {

    /** The marker that stands in for the value of secret {@code name}. */
    static String marker(String name) {
        return "[REDACTED:" + name + "]";
    }

    /** The current algorithm for these secrets (name to value); none redacts nothing. */
    static SecretRedaction of(Map<String, String> secrets) {
        return secrets == null || secrets.isEmpty() ? NONE : new SecretRedactionV1(secrets);
    }

    /** Redacts nothing: for runs without secrets. */
    SecretRedaction NONE = new SecretRedaction() {
        @Override
        public int version() {
            return 0;
        }

        @Override
        public String redact(String text) {
            return text;
        }

        @Override
        public JsonNode redact(JsonNode node) {
            return node;
        }

        @Override
        public boolean isEmpty() {
            return true;
        }
    };

    int version();

    /** {@code text} with every known form of every secret value replaced; null stays null. */
    String redact(String text);

    /** A copy of {@code node} with every string (values and field names) redacted; null stays null. */
    JsonNode redact(JsonNode node);

    /** Whether there is nothing to redact. */
    boolean isEmpty();
}
