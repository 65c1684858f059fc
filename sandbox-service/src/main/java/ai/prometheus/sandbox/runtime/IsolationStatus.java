package ai.prometheus.sandbox.runtime;

import java.util.List;

/**
 * Whether and how the sandbox isolates code on this host.
 *
 * @param ready whether executions are accepted
 * @param mode {@code bubblewrap}, or {@code insecure-none} when an operator disabled isolation
 * @param cgroups {@code v1}, {@code v2} or {@code none}
 * @param seccomp whether the seccomp filter is loaded into every sandbox
 * @param languages the languages whose interpreter exists on this host
 * @param detail why it is not ready, or a short description when it is
 */
public record IsolationStatus(
        boolean ready, String mode, String cgroups, boolean seccomp, List<String> languages, String detail) {

    static IsolationStatus starting() {
        return new IsolationStatus(false, "unknown", "none", false, List.of(), "the sandbox is starting");
    }
}
