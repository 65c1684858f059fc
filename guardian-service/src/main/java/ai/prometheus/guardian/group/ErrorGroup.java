package ai.prometheus.guardian.group;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** One issue: every error with the same fingerprint (under one grouping version). */
@Entity
@Table(name = "error_groups")
public class ErrorGroup {

    /** Affected services and tools kept per group; beyond that the group is plainly widespread. */
    static final int MAX_LISTED = 50;

    @Id
    public UUID id;

    @Column(nullable = false)
    public String fingerprint;

    @Column(nullable = false)
    public int fingerprintVersion;

    @Column(nullable = false)
    public String groupingBasis;

    @Column(nullable = false)
    public String service;

    @Column(nullable = false)
    public String errorType;

    @Column(nullable = false)
    public String title;

    @Column(nullable = false)
    public String state;

    @Column(nullable = false)
    public long eventCount;

    @Column(nullable = false)
    public OffsetDateTime firstSeen;

    @Column(nullable = false)
    public OffsetDateTime lastSeen;

    @Convert(converter = NameListConverter.class)
    @Column(nullable = false)
    public List<String> services = new ArrayList<>();

    @Convert(converter = NameListConverter.class)
    @Column(nullable = false)
    public List<String> tools = new ArrayList<>();

    @Column(nullable = false)
    public OffsetDateTime stateChangedAt;

    public OffsetDateTime escalatedAt;

    public String escalationReason;

    public GroupState state() {
        return GroupState.of(state);
    }

    void noteAffected(String serviceName, String tool) {
        services = addCapped(services, serviceName);
        if (tool != null && !tool.isBlank()) {
            tools = addCapped(tools, tool);
        }
    }

    // A new list, so Hibernate sees the JSON column change.
    private static List<String> addCapped(List<String> list, String value) {
        if (list.contains(value) || list.size() >= MAX_LISTED) {
            return list;
        }
        List<String> copy = new ArrayList<>(list);
        copy.add(value);
        return copy;
    }
}
