package ai.prometheus.sandbox.runtime;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.host.Language;
import ai.prometheus.shared.sandbox.ExecutionStatus;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Runs a tiny program in a real sandbox and checks what it saw: proof that isolation works here, not just that it is configured. */
final class IsolationProbe {

    /** A cold run of {@code code} under {@code limits}, without a session workspace. */
    interface ColdRun {
        RunOutcome run(Language language, byte[] code, RunLimits limits);
    }

    private IsolationProbe() {}

    /** Null when isolation works; otherwise what the probe saw. */
    static String failure(
            Set<Language> languages,
            SandboxConfig.Isolation isolation,
            RunLimits defaults,
            int interpreterPidInside,
            ColdRun coldRun) {
        Language language = languages.contains(Language.BASH)
                ? Language.BASH
                : languages.contains(Language.PYTHON) ? Language.PYTHON : null;
        if (language == null) {
            return languages.isEmpty() ? "no language interpreter is installed" : null;
        }
        String code = language == Language.BASH
                ? "echo \"$(id -u) $(cat /proc/sys/kernel/hostname 2>/dev/null || echo -) $$\""
                : "import os\nprint(os.getuid(), open('/proc/sys/kernel/hostname').read().strip(), os.getpid())";
        RunLimits limits = new RunLimits(5_000, 15_000, Math.max(64, defaults.memoryMb()), 16, 4096, 8);
        RunOutcome outcome = coldRun.run(language, code.getBytes(StandardCharsets.UTF_8), limits);
        if (outcome.status() != ExecutionStatus.OK) {
            return "the probe run ended " + outcome.status() + ": " + outcome.message() + " "
                    + outcome.stderr().strip();
        }
        if (!isolation.insecureDisable()) {
            // A fresh pid namespace, in which the interpreter is the first process or the init's child.
            String expected = isolation.innerUid() + " sandbox " + interpreterPidInside;
            if (!outcome.stdout().strip().equals(expected)) {
                return "the probe ran but was not isolated as expected (saw '"
                        + outcome.stdout().strip() + "', expected '" + expected + "')";
            }
        }
        return null;
    }
}
