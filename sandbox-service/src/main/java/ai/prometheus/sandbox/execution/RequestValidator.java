package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.egress.EgressGrant;
import ai.prometheus.sandbox.host.Language;
import ai.prometheus.sandbox.runtime.RunLimits;
import ai.prometheus.sandbox.runtime.SandboxRuntime;
import ai.prometheus.shared.problem.Problem;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import ai.prometheus.shared.secret.SecretNames;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a run request against what this sandbox offers and the operator's maxima, naming every
 * offending field; absent limits take the operator's defaults.
 */
@ApplicationScoped
public class RequestValidator {

    static final int MAX_SECRETS = 50;
    static final int MAX_SECRET_BYTES = 64 * 1024;

    private final SandboxRuntime runtime;
    private final SandboxConfig config;

    public RequestValidator(SandboxRuntime runtime, SandboxConfig config) {
        this.runtime = runtime;
        this.config = config;
    }

    /** The validated request, or a 400 problem listing each invalid field. */
    public RunRequest validate(String languageName, String code, String stdin, ExecutionLimits requested) {
        return validate(languageName, code, stdin, requested, null, Map.of());
    }

    /**
     * The same with a network policy (null or empty: no network; the caller's right to ask for one
     * is checked before; egress limits apply only to a run with a policy) and secrets for the run's
     * environment.
     */
    public RunRequest validate(
            String languageName,
            String code,
            String stdin,
            ExecutionLimits requested,
            NetworkPolicy network,
            Map<String, String> secrets) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Language language = null;
        if (languageName == null || languageName.isBlank()) {
            errors.add(new Problem.FieldError("language", "is required; one of " + runtime.languages()));
        } else {
            language = Language.byName(languageName).filter(runtime::supports).orElse(null);
            if (language == null) {
                errors.add(new Problem.FieldError("language", "must be one of " + runtime.languages()));
            }
        }
        if (code == null || code.isBlank()) {
            errors.add(new Problem.FieldError("code", "is required"));
        } else if (utf8Length(code) > config.request().maxCodeBytes()) {
            errors.add(new Problem.FieldError(
                    "code", "must be at most " + config.request().maxCodeBytes() + " bytes"));
        }
        if (stdin != null && utf8Length(stdin) > config.request().maxStdinBytes()) {
            errors.add(new Problem.FieldError(
                    "stdin", "must be at most " + config.request().maxStdinBytes() + " bytes"));
        }
        RunLimits limits = resolve(requested, errors);
        EgressGrant egress = egress(network, requested, errors);
        checkSecrets(secrets == null ? Map.of() : secrets, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new RunRequest(language, code, stdin == null ? "" : stdin, limits, secrets, egress);
    }

    /** The run's egress grant, or null without a policy; each invalid entry and limit is named. */
    EgressGrant egress(NetworkPolicy network, ExecutionLimits requested, List<Problem.FieldError> errors) {
        if (!NetworkPolicy.grantsAny(network)) {
            return null;
        }
        for (NetworkPolicy.Violation violation : network.violations()) {
            errors.add(new Problem.FieldError(violation.field("network"), violation.reason()));
        }
        if (!runtime.supportsEgress()) {
            errors.add(new Problem.FieldError(
                    "network",
                    "this sandbox cannot give runs network access (it needs" + " sandbox-launch and full isolation)"));
        }
        ExecutionLimits given = requested == null ? ExecutionLimits.DEFAULTS : requested;
        SandboxConfig.LimitValues defaults = config.limits().defaults();
        SandboxConfig.LimitValues max = config.limits().max();
        long bytes =
                check("limits.egressBytes", given.egressBytes(), defaults.egressBytes(), 1, max.egressBytes(), errors);
        long connections = check(
                "limits.egressConnections",
                given.egressConnections() == null
                        ? null
                        : given.egressConnections().longValue(),
                defaults.egressConnections(),
                1,
                max.egressConnections(),
                errors);
        return errors.isEmpty() ? new EgressGrant(network.canonical(), bytes, (int) connections) : null;
    }

    /** Names must be environment variable names the sandbox does not set itself; values are never echoed. */
    private void checkSecrets(Map<String, String> secrets, List<Problem.FieldError> errors) {
        if (secrets.size() > MAX_SECRETS) {
            errors.add(new Problem.FieldError("secrets", "must hold at most " + MAX_SECRETS + " entries"));
            return;
        }
        long total = 0;
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            String field = "secrets." + secret.getKey();
            if (!SecretNames.valid(secret.getKey())) {
                errors.add(new Problem.FieldError("secrets", "name '" + secret.getKey() + "' " + SecretNames.RULE));
            } else if (secret.getValue() == null || secret.getValue().indexOf('\0') >= 0) {
                errors.add(new Problem.FieldError(field, "must be a string without NUL characters"));
            } else {
                total += utf8Length(secret.getValue());
            }
        }
        if (total > MAX_SECRET_BYTES) {
            errors.add(new Problem.FieldError("secrets", "must hold at most " + MAX_SECRET_BYTES + " bytes of values"));
        }
    }

    /** Request limits merged with the defaults, each checked against its minimum and the operator's maximum. */
    RunLimits resolve(ExecutionLimits requested, List<Problem.FieldError> errors) {
        ExecutionLimits given = requested == null ? ExecutionLimits.DEFAULTS : requested;
        RunLimits defaults = runtime.defaults();
        RunLimits max = runtime.maxima();
        long cpuMs = check("limits.cpuMs", given.cpuMs(), defaults.cpuMs(), 1, max.cpuMs(), errors);
        long wallMs = check("limits.wallMs", given.wallMs(), defaults.wallMs(), 1, max.wallMs(), errors);
        long memoryMb = check(
                "limits.memoryMb",
                given.memoryMb() == null ? null : given.memoryMb().longValue(),
                defaults.memoryMb(),
                config.limits().minMemoryMb(),
                max.memoryMb(),
                errors);
        long maxProcesses = check(
                "limits.maxProcesses",
                given.maxProcesses() == null ? null : given.maxProcesses().longValue(),
                defaults.maxProcesses(),
                1,
                max.maxProcesses(),
                errors);
        long outputBytes =
                check("limits.outputBytes", given.outputBytes(), defaults.outputBytes(), 1, max.outputBytes(), errors);
        long diskMb = check(
                "limits.diskMb",
                given.diskMb() == null ? null : given.diskMb().longValue(),
                defaults.diskMb(),
                1,
                max.diskMb(),
                errors);
        return new RunLimits(cpuMs, wallMs, (int) memoryMb, (int) maxProcesses, outputBytes, (int) diskMb);
    }

    private static long check(
            String field, Long value, long fallback, long min, long max, List<Problem.FieldError> errors) {
        if (value == null) {
            return fallback;
        }
        if (value < min) {
            errors.add(new Problem.FieldError(field, "must be at least " + min));
        } else if (value > max) {
            errors.add(new Problem.FieldError(field, "must be at most " + max + " (the operator's maximum)"));
        }
        return value;
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
