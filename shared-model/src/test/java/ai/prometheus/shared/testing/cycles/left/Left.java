package ai.prometheus.shared.testing.cycles.left;

import ai.prometheus.shared.testing.cycles.right.Right;

/** Half of a deliberate package cycle that {@code PackageCyclesTest} expects the rule to refuse. */
public class Left {

    public Right right() {
        return new Right();
    }
}
