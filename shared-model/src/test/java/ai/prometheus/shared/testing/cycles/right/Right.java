package ai.prometheus.shared.testing.cycles.right;

import ai.prometheus.shared.testing.cycles.left.Left;

/** The other half of the deliberate cycle: depends back on {@link Left}. */
public class Right {

    public Left left() {
        return new Left();
    }
}
