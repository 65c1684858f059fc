package ai.prometheus.shared.platform.persistence;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;

/**
 * Hand-written SQL for a repository, run on the current Hibernate Reactive session (so inside the
 * caller's transaction) with named parameters. Only repositories use it: everything else reaches
 * the database through a repository's methods. For what HQL cannot say (upserts, {@code skip
 * locked}, JSON operators, aggregates over time buckets).
 */
public final class NativeSql {

    private NativeSql() {}

    /** The rows of a query, each mapped to {@code type} (an entity, a scalar, or {@code Object[]}). */
    public static <T> Uni<List<T>> list(String sql, Class<T> type, Map<String, ?> parameters) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, type);
            parameters.forEach(query::setParameter);
            return query.getResultList();
        });
    }

    /** The single row of a query (a count, say). */
    public static <T> Uni<T> single(String sql, Class<T> type, Map<String, ?> parameters) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, type);
            parameters.forEach(query::setParameter);
            return query.getSingleResult();
        });
    }

    /** Runs an insert, update or delete; the number of rows it touched. */
    public static Uni<Integer> update(String sql, Map<String, ?> parameters) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql);
            parameters.forEach(query::setParameter);
            return query.executeUpdate();
        });
    }
}
