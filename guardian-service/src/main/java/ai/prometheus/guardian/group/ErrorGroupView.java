package ai.prometheus.guardian.group;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A group as listings show it.
 *
 * @param last24h events per hour over the last 24 hours, oldest first; the last entry is the current hour
 */
public record ErrorGroupView(
        UUID id,
        String title,
        String service,
        String errorType,
        GroupState state,
        long count,
        OffsetDateTime firstSeen,
        OffsetDateTime lastSeen,
        List<String> services,
        List<String> tools,
        OffsetDateTime stateChangedAt,
        OffsetDateTime escalatedAt,
        String escalationReason,
        String fingerprint,
        int fingerprintVersion,
        String groupingBasis,
        int[] last24h) {

    public static ErrorGroupView of(ErrorGroup group, int[] last24h) {
        return new ErrorGroupView(
                group.id,
                group.title,
                group.service,
                group.errorType,
                group.state(),
                group.eventCount,
                group.firstSeen,
                group.lastSeen,
                List.copyOf(group.services),
                List.copyOf(group.tools),
                group.stateChangedAt,
                group.escalatedAt,
                group.escalationReason,
                group.fingerprint,
                group.fingerprintVersion,
                group.groupingBasis,
                last24h);
    }
}
