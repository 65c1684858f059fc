package ai.prometheus.shared.platform.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of a listing endpoint's query in HQL, for a repository: each filter the caller set
 * narrows it, a filter left unset (null) is no condition at all, and the rows come in a stable order
 * ({@link #newestFirst}), so consecutive pages neither repeat nor skip a row.
 *
 * <pre>{@code
 * return new Listing()
 *         .equal("service", filter.service())
 *         .where("createdAt >= :since", "since", filter.since())
 *         .page(this, Listing.newestFirst(), offset, limit);
 * }</pre>
 */
public final class Listing {

    private final List<String> clauses = new ArrayList<>();
    private final Parameters parameters = new Parameters();

    /** The listings' order: newest first by {@code createdAt}, then by id. */
    public static Sort newestFirst() {
        return newestFirst("createdAt");
    }

    /** Newest first by {@code timeField}, then by id (rows of one instant keep one order). */
    public static Sort newestFirst(String timeField) {
        return Sort.descending(timeField).and("id", Sort.Direction.Descending);
    }

    /** {@code field = :field} when {@code value} is set. */
    public Listing equal(String field, Object value) {
        return where(field + " = :" + field, field, value);
    }

    /** {@code clause}, an HQL condition using the parameter {@code :name}, when {@code value} is set. */
    public Listing where(String clause, String name, Object value) {
        if (value != null) {
            clauses.add(clause);
            parameters.and(name, value);
        }
        return this;
    }

    /** Rows {@code offset .. offset + limit - 1} of what every set filter lets through, in {@code sort} order. */
    public <E> Uni<List<E>> page(PanacheRepositoryBase<E, ?> repository, Sort sort, int offset, int limit) {
        var query = clauses.isEmpty()
                ? repository.findAll(sort)
                : repository.find(String.join(" and ", clauses), sort, parameters);
        return query.range(offset, offset + limit - 1).list();
    }
}
