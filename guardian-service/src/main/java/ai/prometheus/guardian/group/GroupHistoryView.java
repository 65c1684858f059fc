package ai.prometheus.guardian.group;

import java.time.OffsetDateTime;

public record GroupHistoryView(
        OffsetDateTime at, String kind, String fromState, String toState, String actor, String note) {

    static GroupHistoryView of(GroupHistoryEntry entry) {
        return new GroupHistoryView(entry.at, entry.kind, entry.fromState, entry.toState, entry.actor, entry.note);
    }
}
