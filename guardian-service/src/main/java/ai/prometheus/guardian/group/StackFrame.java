package ai.prometheus.guardian.group;

/**
 * One frame of a stack trace, reduced to what identifies code across builds and deployments: the
 * module (class, or file without directories that vary by host) and the function. Line numbers
 * are left out on purpose: they move with every unrelated edit.
 *
 * @param inApp whether the frame is the application's own code rather than a runtime or a library
 */
public record StackFrame(String module, String function, boolean inApp) {

    @Override
    public String toString() {
        return module + "#" + function;
    }
}
