package ai.prometheus.registry.bench;

import ai.prometheus.shared.platform.config.ServiceConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The benchmark floor's one query: a live tool's name by its index, on the same reactive pool as
 * a discovery listing, so the floor pays what a listing pays apart from the listing itself.
 */
@ApplicationScoped
public class FloorRepository {

    private final Pool pool;
    private final String query;

    public FloorRepository(Pool pool, ServiceConfig service) {
        this.pool = pool;
        this.query = "select name from " + service.schema() + ".tool_registry where name = $1 and status <> 'DELETED'";
    }

    /** Whether a live (not deleted) tool is called {@code name}. */
    public Uni<Boolean> liveToolExists(String name) {
        return pool.preparedQuery(query).execute(Tuple.of(name)).map(rows -> rows.size() > 0);
    }
}
