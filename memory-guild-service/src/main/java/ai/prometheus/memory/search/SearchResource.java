package ai.prometheus.memory.search;

import ai.prometheus.memory.context.Viewer;
import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.security.RequiresPermission;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/contexts/{id}/search")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "search")
public class SearchResource {

    private final Librarian librarian;
    private final CurrentCaller caller;
    private final SearchMetrics metrics;

    public SearchResource(Librarian librarian, CurrentCaller caller, SearchMetrics metrics) {
        this.librarian = librarian;
        this.caller = caller;
        this.metrics = metrics;
    }

    @POST
    @RequiresPermission("memory:read:{id}")
    @Operation(
            operationId = "searchMemories",
            summary = "Search the context by meaning, by words, or both",
            description = "mode=hybrid (default) adds the semantic and the BM25 full-text score, each standardised"
                    + " within the query's candidates and weighted, with a small recency bonus; every result carries its score parts,"
                    + " its context and its depth.")
    public Uni<SearchResponse> search(@PathParam("id") String id, @NotNull @Valid SearchRequest request) {
        return metrics.timed(
                request.mode(), () -> librarian.search(Viewer.of(caller.get()), Params.uuid("id", id), request));
    }
}
