package ai.prometheus.guardian.group;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.persistence.NativeSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class ErrorGroupRepository implements PanacheRepositoryBase<ErrorGroup, UUID> {

    /** Hours in the sparkline of a listed group. */
    public static final int SPARKLINE_HOURS = 24;

    private final String schema;
    private final String claim;

    public ErrorGroupRepository(ServiceConfig service) {
        this.schema = service.schema();
        this.claim = "insert into " + schema + ".error_groups (id, fingerprint, fingerprint_version, grouping_basis,"
                + " service, error_type, title, state, event_count, first_seen, last_seen, state_changed_at)"
                + " values (:id, :fingerprint, :version, :basis, :service, :errorType, :title, 'open', 0, :now, :now, :now)"
                + " on conflict (fingerprint_version, fingerprint) do nothing";
    }

    /**
     * The group with this fingerprint, created if it is new, and locked until the transaction
     * ends: concurrent errors of one group are counted (and judged by the rules) one at a time.
     */
    public Uni<Claimed> claim(
            Fingerprint fingerprint, String service, String errorType, String title, OffsetDateTime now) {
        Map<String, Object> row = Map.of(
                "id",
                UUID.randomUUID(),
                "fingerprint",
                fingerprint.hash(),
                "version",
                fingerprint.version(),
                "basis",
                fingerprint.basis(),
                "service",
                service,
                "errorType",
                errorType,
                "title",
                title,
                "now",
                now);
        return NativeSql.update(claim, row)
                .chain(inserted -> find(
                                "fingerprintVersion = ?1 and fingerprint = ?2",
                                fingerprint.version(),
                                fingerprint.hash())
                        .withLock(LockModeType.PESSIMISTIC_WRITE)
                        .firstResult()
                        .map(group -> new Claimed(group, inserted == 1)));
    }

    public Uni<ErrorGroup> findLocked(UUID id) {
        return find("id", id).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** A page of groups, filtered and sorted; rows {@code offset .. offset + limit - 1}. */
    public Uni<List<ErrorGroup>> search(GroupFilter filter, GroupSort sort, boolean ascending, int offset, int limit) {
        List<String> clauses = new ArrayList<>();
        Map<String, Object> parameters = new HashMap<>();
        if (!filter.states().isEmpty()) {
            clauses.add("state in (:states)");
            parameters.put(
                    "states", filter.states().stream().map(GroupState::value).toList());
        }
        if (filter.service() != null) {
            clauses.add("service = :service");
            parameters.put("service", filter.service());
        }
        if (filter.errorType() != null) {
            clauses.add("error_type = :errorType");
            parameters.put("errorType", filter.errorType());
        }
        if (filter.tool() != null) {
            clauses.add("cast(tools as jsonb) @> jsonb_build_array(cast(:tool as text))");
            parameters.put("tool", filter.tool());
        }
        String direction = ascending ? "asc" : "desc";
        String sql = "select * from " + schema + ".error_groups"
                + (clauses.isEmpty() ? "" : " where " + String.join(" and ", clauses))
                + " order by " + sort.column + " " + direction + ", id " + direction
                + " limit :limit offset :offset";
        parameters.put("limit", limit);
        parameters.put("offset", offset);
        return NativeSql.list(sql, ErrorGroup.class, parameters);
    }

    /** Events per hour over the last {@value #SPARKLINE_HOURS} hours for each group; the last entry is the current hour. */
    public Uni<Map<UUID, int[]>> sparklines(List<UUID> groupIds) {
        if (groupIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        String sql =
                "select group_id, cast(floor(extract(epoch from (now() - created_at)) / 3600) as integer), count(*)"
                        + " from " + schema + ".error_logs where group_id in (:ids)"
                        + " and created_at > now() - make_interval(hours => " + SPARKLINE_HOURS + ") group by 1, 2";
        return NativeSql.list(sql, Object[].class, Map.of("ids", groupIds)).map(rows -> {
            Map<UUID, int[]> lines = new LinkedHashMap<>();
            groupIds.forEach(id -> lines.put(id, new int[SPARKLINE_HOURS]));
            for (Object[] row : rows) {
                int hoursAgo = ((Number) row[1]).intValue();
                if (hoursAgo >= 0 && hoursAgo < SPARKLINE_HOURS) {
                    lines.get((UUID) row[0])[SPARKLINE_HOURS - 1 - hoursAgo] = ((Number) row[2]).intValue();
                }
            }
            return lines;
        });
    }

    /** Events per hour of one group over {@code days}, oldest first, hours without events left out. */
    public Uni<List<HourCount>> hourly(UUID groupId, int days) {
        String sql = "select cast(extract(epoch from date_trunc('hour', created_at)) as bigint), count(*)"
                + " from " + schema + ".error_logs where group_id = :id"
                + " and created_at > now() - make_interval(days => " + days + ") group by 1 order by 1";
        return NativeSql.list(sql, Object[].class, Map.of("id", groupId))
                .map(rows -> rows.stream()
                        .map(row -> new HourCount(
                                java.time.Instant.ofEpochSecond(((Number) row[0]).longValue())
                                        .atOffset(java.time.ZoneOffset.UTC),
                                ((Number) row[1]).longValue()))
                        .toList());
    }

    /** The trace ids of the group's most recent events, newest first, each once. */
    public Uni<List<String>> recentTraceIds(UUID groupId, int limit) {
        String sql = "select trace_id from (select trace_id, max(created_at) as seen from " + schema + ".error_logs"
                + " where group_id = :id and trace_id is not null group by trace_id) t order by seen desc limit :limit";
        return NativeSql.list(sql, String.class, Map.of("id", groupId, "limit", limit));
    }

    public record Claimed(ErrorGroup group, boolean created) {}

    public record HourCount(OffsetDateTime hour, long count) {}

    /** The filters of GET /error-groups; null or empty means "any". */
    public record GroupFilter(List<GroupState> states, String service, String errorType, String tool) {}

    public enum GroupSort {
        COUNT("event_count"),
        LAST_SEEN("last_seen"),
        FIRST_SEEN("first_seen");

        private final String column;

        GroupSort(String column) {
            this.column = column;
        }
    }
}
