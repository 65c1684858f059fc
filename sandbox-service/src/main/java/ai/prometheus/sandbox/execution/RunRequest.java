package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.egress.EgressGrant;
import ai.prometheus.sandbox.runtime.Language;
import ai.prometheus.sandbox.runtime.RunLimits;
import java.nio.charset.StandardCharsets;

/**
 * A validated request to run code: a known language, code and stdin within size, limits within the
 * maxima, and, for a run with a network policy, what it may do through the egress proxy (else null).
 */
public record RunRequest(Language language, String code, String stdin, RunLimits limits, EgressGrant egress) {

    public RunRequest(Language language, String code, String stdin, RunLimits limits) {
        this(language, code, stdin, limits, null);
    }

    public byte[] codeBytes() {
        return code.getBytes(StandardCharsets.UTF_8);
    }

    public byte[] stdinBytes() {
        return stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8);
    }
}
