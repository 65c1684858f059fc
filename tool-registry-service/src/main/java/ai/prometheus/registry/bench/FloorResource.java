package ai.prometheus.registry.bench;

import ai.prometheus.registry.config.RegistryConfig;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.RequiresPermission;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The benchmark's floor (bench/registry/run.sh): the same HTTP stack, token check and connection
 * pool as a listing, around one bare indexed query. Discovery's figures are printed as ratios to
 * this one, measured in the same run. Off unless {@code registry.bench.floor-endpoint=true}.
 */
@Path("/api/v1/bench/floor")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "bench")
public class FloorResource {

    private final Pool pool;
    private final boolean enabled;
    private final String query;

    public FloorResource(Pool pool, RegistryConfig config, ServiceConfig service) {
        this.pool = pool;
        this.enabled = config.bench().floorEndpoint();
        this.query = "select name from " + service.schema() + ".tool_registry where name = $1 and status <> 'DELETED'";
    }

    @GET
    @RequiresPermission("tools:read")
    @Operation(summary = "Benchmark floor: one indexed lookup of a tool name (off by default)")
    public Uni<Map<String, Boolean>> floor(@QueryParam("name") String name) {
        if (!enabled) {
            throw ProblemException.notFound("endpoint", "bench/floor (off: registry.bench.floor-endpoint)");
        }
        if (name == null || name.isBlank()) {
            throw ProblemException.invalidField("name", "is required");
        }
        return pool.preparedQuery(query).execute(Tuple.of(name)).map(rows -> Map.of("found", rows.size() > 0));
    }
}
