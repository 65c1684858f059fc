package ai.prometheus.guardian.group;

import ai.prometheus.shared.event.ErrorReported;

/**
 * Grouping version 2: version 1's basis plus the failing tool (the error's {@code tool} attribute)
 * when there is one, so one message from two tools makes two groups, as operators expect: each
 * tool's owner gets an issue of their own, and a rule on one tool never counts the other's errors.
 *
 * <p>Frozen like version 1 (pinned by {@code GroupingV2Test}); it builds on version 1's basis,
 * which is frozen too.
 */
public final class GroupingV2 implements GroupingAlgorithm {

    private final GroupingV1 v1 = new GroupingV1();

    @Override
    public int version() {
        return 2;
    }

    @Override
    public Fingerprint fingerprint(ErrorReported error) {
        String basis = v1.fingerprint(error).basis();
        String tool = error.attributes().get("tool");
        if (tool != null && !tool.isBlank()) {
            basis += "\ntool=" + tool.trim();
        }
        return new Fingerprint(version(), GroupingV1.sha256(basis), basis);
    }
}
