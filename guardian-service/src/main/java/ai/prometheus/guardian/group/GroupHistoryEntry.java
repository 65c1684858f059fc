package ai.prometheus.guardian.group;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Something that happened to a group other than an event: a state change, an action, an escalation. */
@Entity
@Table(name = "error_group_history")
public class GroupHistoryEntry {

    public static final String STATE = "state";
    public static final String REGRESSION = "regression";
    public static final String ACTION = "action";
    public static final String ESCALATION = "escalation";

    @Id
    public UUID id;

    @Column(nullable = false)
    public UUID groupId;

    @Column(nullable = false)
    public OffsetDateTime at;

    @Column(nullable = false)
    public String kind;

    public String fromState;

    public String toState;

    @Column(nullable = false)
    public String actor;

    public String note;

    public static GroupHistoryEntry of(UUID groupId, OffsetDateTime at, String kind, String actor, String note) {
        GroupHistoryEntry entry = new GroupHistoryEntry();
        entry.id = UUID.randomUUID();
        entry.groupId = groupId;
        entry.at = at;
        entry.kind = kind;
        entry.actor = actor;
        entry.note = note;
        return entry;
    }
}
