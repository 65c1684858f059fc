package ai.prometheus.memory.search;

import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Set;

/** The filters of a search, in the form both the index and SQL take them. */
record SearchCriteria(
        boolean includeSuperseded,
        Set<String> kinds,
        String metadata,
        Long after,
        Long before,
        OffsetDateTime afterTime,
        OffsetDateTime beforeTime,
        Long occurredAfter,
        Long occurredBefore,
        OffsetDateTime occurredAfterTime,
        OffsetDateTime occurredBeforeTime) {

    static SearchCriteria of(SearchRequest.Filters filters) {
        Set<String> kinds = null;
        if (filters.kind() != null
                || (filters.kinds() != null && !filters.kinds().isEmpty())) {
            kinds = new HashSet<>();
            if (filters.kind() != null) {
                kinds.add(filters.kind());
            }
            if (filters.kinds() != null) {
                kinds.addAll(filters.kinds());
            }
        }
        String metadata = filters.metadata() == null
                        || filters.metadata().isNull()
                        || filters.metadata().isEmpty()
                ? null
                : filters.metadata().toString();
        return new SearchCriteria(
                Boolean.TRUE.equals(filters.includeSuperseded()),
                kinds,
                metadata,
                filters.createdAfter() == null
                        ? null
                        : filters.createdAfter().toInstant().toEpochMilli(),
                filters.createdBefore() == null
                        ? null
                        : filters.createdBefore().toInstant().toEpochMilli(),
                filters.createdAfter(),
                filters.createdBefore(),
                filters.occurredAfter() == null
                        ? null
                        : filters.occurredAfter().toInstant().toEpochMilli(),
                filters.occurredBefore() == null
                        ? null
                        : filters.occurredBefore().toInstant().toEpochMilli(),
                filters.occurredAfter(),
                filters.occurredBefore());
    }
}
