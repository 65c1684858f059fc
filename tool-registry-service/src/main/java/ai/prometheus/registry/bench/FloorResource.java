package ai.prometheus.registry.bench;

import ai.prometheus.registry.config.RegistryConfig;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.RequiresPermission;
import io.smallrye.mutiny.Uni;
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
 * pool as a listing, around one bare indexed query ({@link FloorRepository}). Discovery's figures are printed as ratios to
 * this one, measured in the same run. Off unless {@code registry.bench.floor-endpoint=true}.
 */
@Path("/api/v1/bench/floor")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "bench")
public class FloorResource {

    private final FloorRepository floor;
    private final boolean enabled;

    public FloorResource(FloorRepository floor, RegistryConfig config) {
        this.floor = floor;
        this.enabled = config.bench().floorEndpoint();
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
        return floor.liveToolExists(name).map(found -> Map.of("found", found));
    }
}
