package ai.prometheus.guardian.error;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.persistence.Listing;
import ai.prometheus.shared.platform.persistence.NativeSql;
import ai.prometheus.shared.util.Glob;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class ErrorLogRepository implements PanacheRepositoryBase<ErrorLog, UUID> {

    private final String schema;

    public ErrorLogRepository(ServiceConfig service) {
        this.schema = service.schema();
    }

    /** Newest first, narrowed by whichever filters are set; rows {@code offset .. offset + limit - 1}. */
    public Uni<List<ErrorLog>> search(ErrorLogFilter filter, int offset, int limit) {
        return new Listing()
                .equal("service", filter.service())
                .equal("errorType", filter.errorType())
                .equal("traceId", filter.traceId())
                .where("createdAt >= :since", "since", filter.since())
                .where("createdAt < :until", "until", filter.until())
                .equal("groupId", filter.groupId())
                .equal("fixApplied", filter.fixApplied())
                .page(this, Listing.newestFirst(), offset, limit);
    }

    public Uni<ErrorLog> findByEventId(String eventId) {
        return find("eventId", eventId).firstResult();
    }

    /** The group's first event and its latest {@code latest}, newest first. */
    public Uni<List<ErrorLog>> samples(UUID groupId, int latest) {
        Sort newestFirst = Listing.newestFirst();
        Sort oldestFirst = Sort.ascending("createdAt").and("id", Sort.Direction.Ascending);
        return find("groupId", newestFirst, groupId)
                .range(0, latest - 1)
                .list()
                .chain(recent -> find("groupId", oldestFirst, groupId)
                        .firstResult()
                        .map(first -> {
                            List<ErrorLog> samples = new ArrayList<>(recent);
                            if (first != null && samples.stream().noneMatch(log -> log.id.equals(first.id))) {
                                samples.add(first);
                            }
                            return samples;
                        }));
    }

    /**
     * Tools named in errors of the last {@code hours}, most failures first: from the suite's own
     * services and authenticated reporters ({@code trusted}), or from anyone else who may post
     * errors, whose reports must never make a tool look broken.
     */
    public Uni<List<FailingToolView>> topTools(int hours, int limit, boolean trusted) {
        String sql = "select attributes ->> 'tool', count(*), count(distinct group_id),"
                + " cast(extract(epoch from max(created_at)) * 1000 as bigint)"
                + " from " + schema + ".error_logs where (attributes ->> 'tool') is not null"
                + " and " + (trusted ? "trusted" : "not trusted")
                + " and created_at > now() - make_interval(hours => " + hours + ")"
                + " group by 1 order by 2 desc, 1 limit " + limit;
        return NativeSql.list(sql, Object[].class, Map.of())
                .map(rows -> rows.stream()
                        .map(row -> new FailingToolView(
                                (String) row[0],
                                ((Number) row[1]).longValue(),
                                ((Number) row[2]).longValue(),
                                Instant.ofEpochMilli(((Number) row[3]).longValue())
                                        .atOffset(ZoneOffset.UTC)))
                        .toList());
    }

    /**
     * Trusted errors of the group within the last {@code windowSeconds}, from tool {@code scope}
     * when it is set, whose attributes match every glob in {@code attributeGlobs}.
     */
    public Uni<Long> countRecent(UUID groupId, String scope, Map<String, String> attributeGlobs, int windowSeconds) {
        Map<String, Object> parameters = new HashMap<>();
        String where = scoped(groupId, scope, parameters) + " and trusted"
                + " and created_at > now() - make_interval(secs => :window)";
        parameters.put("window", windowSeconds);
        int i = 0;
        for (Map.Entry<String, String> glob : attributeGlobs.entrySet()) {
            where += " and attributes ->> cast(:k" + i + " as text) like cast(:p" + i + " as text) escape '\\'";
            parameters.put("k" + i, glob.getKey());
            parameters.put("p" + i, Glob.toSqlLike(glob.getValue()));
            i++;
        }
        return nativeCount(where, parameters);
    }

    /** Trusted errors of the group (and tool scope) stored after {@code after}. */
    public Uni<Long> countAfter(UUID groupId, String scope, OffsetDateTime after) {
        Map<String, Object> parameters = new HashMap<>();
        String where = scoped(groupId, scope, parameters) + " and trusted and created_at > :after";
        parameters.put("after", after);
        return nativeCount(where, parameters);
    }

    /** Ties the group's unfixed errors (of the scope) to the action that tries to fix them. */
    public Uni<Integer> tagForAction(UUID actionId, UUID groupId, String scope) {
        Map<String, Object> parameters = new HashMap<>();
        String where = scoped(groupId, scope, parameters) + " and fix_applied = false";
        parameters.put("action", actionId);
        return NativeSql.update(
                "update " + schema + ".error_logs set remediation_action_id = :action where " + where, parameters);
    }

    /** Sets {@code fix_applied} on the errors tied to the action: true when it took effect, false when reverted. */
    public Uni<Integer> markFixed(UUID actionId, boolean fixed) {
        return NativeSql.update(
                "update " + schema + ".error_logs set fix_applied = :fixed where remediation_action_id = :action",
                Map.of("fixed", fixed, "action", actionId));
    }

    private static String scoped(UUID groupId, String scope, Map<String, Object> parameters) {
        parameters.put("group", groupId);
        if (scope == null) {
            return "group_id = :group";
        }
        parameters.put("scope", scope);
        return "group_id = :group and attributes ->> 'tool' = cast(:scope as text)";
    }

    private Uni<Long> nativeCount(String where, Map<String, Object> parameters) {
        String sql = "select count(*) from " + schema + ".error_logs where " + where;
        return NativeSql.single(sql, Long.class, parameters);
    }

    /** The filters of GET /errors; null means "any". */
    public record ErrorLogFilter(
            String service,
            String errorType,
            String traceId,
            OffsetDateTime since,
            OffsetDateTime until,
            Boolean fixApplied,
            UUID groupId) {}
}
