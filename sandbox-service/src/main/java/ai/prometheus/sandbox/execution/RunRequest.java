package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.egress.EgressGrant;
import ai.prometheus.sandbox.host.Language;
import ai.prometheus.sandbox.runtime.RunLimits;
import ai.prometheus.shared.secret.SecretRedaction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A validated request to run code: a known language, code and stdin within size, limits within the
 * maxima, the run's secrets (environment variables for this run only, never stored), and, for a
 * run with a network policy, what it may do through the egress proxy (else null).
 */
public record RunRequest(
        Language language,
        String code,
        String stdin,
        RunLimits limits,
        Map<String, String> secrets,
        EgressGrant egress) {

    public RunRequest {
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
    }

    public RunRequest(Language language, String code, String stdin, RunLimits limits) {
        this(language, code, stdin, limits, Map.of(), null);
    }

    /** The same request with these secrets (fetched for an asynchronous run). */
    public RunRequest withSecrets(Map<String, String> values) {
        return new RunRequest(language, code, stdin, limits, values, egress);
    }

    /** Replaces the secrets' values in everything the run produces. */
    public SecretRedaction redaction() {
        return SecretRedaction.of(secrets);
    }

    public byte[] codeBytes() {
        return code.getBytes(StandardCharsets.UTF_8);
    }

    public byte[] stdinBytes() {
        return stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8);
    }

    /** Names only: a logged request leaks no secret. */
    @Override
    public String toString() {
        return "RunRequest[language=" + language + ", codeBytes=" + codeBytes().length + ", limits=" + limits
                + ", secrets=" + secrets.keySet() + "]";
    }
}
