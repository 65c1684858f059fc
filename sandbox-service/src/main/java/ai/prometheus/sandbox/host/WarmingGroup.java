package ai.prometheus.sandbox.host;

import java.util.List;

/**
 * A CPU group of low weight where sandboxes started ahead of their run (the warm pool) start and
 * wait: their interpreter start (about 55 ms of CPU for python) then yields to the request path
 * (the HTTP handling, the database, the run itself) instead of taking one of two cores from it. A
 * run takes its sandbox out before its code is sent, so no run is ever throttled.
 */
public interface WarmingGroup {

    /** Pooled sandboxes start at the normal priority: the setting says so, or the host has no cpu controller. */
    WarmingGroup NONE = new WarmingGroup() {
        @Override
        public void enter(Process process) {}

        @Override
        public void leave(List<Long> pids) {}

        @Override
        public void hurry() {}

        @Override
        public void relax() {}
    };

    /** Moves a just started process, and whatever it started already, into the group. */
    void enter(Process process);

    /** Gives those of {@code pids} that are in the group the CPU group of a sandbox started for a run. */
    void leave(List<Long> pids);

    /**
     * A run waits for a start in the group: the group gets the normal weight until every such run
     * {@link #relax relaxed}, so a busy machine cannot starve the start a run waits for.
     */
    void hurry();

    void relax();
}
