package ai.prometheus.registry.catalog;

import ai.prometheus.shared.platform.config.ServiceConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The tool catalog's version: one row, bumped by a trigger in the transaction of any change to the
 * tools table (migration V8). Read on the reactive pool outside any Hibernate session, once per
 * cached answer, so it is the one query a cache hit pays.
 */
@ApplicationScoped
public class CatalogVersionRepository {

    private final Pool pool;
    private final String query;

    public CatalogVersionRepository(Pool pool, ServiceConfig service) {
        this.pool = pool;
        this.query = "select version from " + service.schema() + ".tool_catalog_version";
    }

    /** The version committed now. */
    public Uni<Long> current() {
        return pool.preparedQuery(query)
                .execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }
}
