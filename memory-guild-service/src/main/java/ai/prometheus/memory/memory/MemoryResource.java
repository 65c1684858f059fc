package ai.prometheus.memory.memory;

import ai.prometheus.memory.context.Scope;
import ai.prometheus.memory.context.Viewer;
import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.security.RequiresPermission;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Memories of a context. Writes go to the context itself; reads see what it inherits too. */
@Path("/api/v1/contexts/{id}/memories")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "memories")
public class MemoryResource {

    private final Scribe scribe;
    private final MemoryReader reader;
    private final CurrentCaller caller;

    public MemoryResource(Scribe scribe, MemoryReader reader, CurrentCaller caller) {
        this.scribe = scribe;
        this.reader = reader;
        this.caller = caller;
    }

    @POST
    @RequiresPermission("memory:write:{id}")
    @Operation(
            operationId = "writeMemory",
            summary = "Write a memory into the context",
            description = "201 with the new memory; 200 with the existing one when the context already holds exactly"
                    + " this content (same kind and key). With a key, the current memory with that key is superseded.")
    @APIResponse(
            responseCode = "201",
            description = "The memory, written",
            content = @Content(schema = @Schema(implementation = MemoryView.class)))
    @APIResponse(
            responseCode = "200",
            description = "A memory with this key already held the same content; it is answered as it is",
            content = @Content(schema = @Schema(implementation = MemoryView.class)))
    public Uni<Response> write(@PathParam("id") String id, @NotNull @Valid MemoryRequests.WriteMemory request) {
        UUID contextId = Params.uuid("id", id);
        return scribe.write(Viewer.of(caller.get()), contextId, request)
                .map(written -> written.created()
                        ? Response.created(URI.create("/api/v1/contexts/" + contextId + "/memories/"
                                        + written.memory().id()))
                                .entity(written.memory())
                                .build()
                        : Response.ok(written.memory()).build());
    }

    @GET
    @RequiresPermission("memory:read:{id}")
    @Operation(
            operationId = "listMemories",
            summary = "List the memories the context sees, nearest context first, newest first",
            description = "scope=lineage (default) includes the ancestors' memories, a child's key shadowing an"
                    + " ancestor's; scope=context only the context's own; scope=shared adds contexts shared with the"
                    + " caller. Superseded memories appear only with includeSuperseded=true.")
    public Uni<PageResult<MemoryView>> list(
            @PathParam("id") String id,
            @QueryParam("scope") String scope,
            @QueryParam("kind") @Pattern(regexp = MemoryRequests.KIND_PATTERN, message = "must be a memory kind")
                    String kind,
            @QueryParam("key") String key,
            @QueryParam("includeSuperseded") Boolean includeSuperseded,
            @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        return reader.list(
                Viewer.of(caller.get()),
                Params.uuid("id", id),
                Scope.parse("scope", scope, Scope.LINEAGE),
                Boolean.TRUE.equals(includeSuperseded),
                kind,
                key,
                Params.page(page),
                Params.size(size, 50));
    }

    @GET
    @Path("/{memoryId}")
    @RequiresPermission("memory:read:{id}")
    @Operation(operationId = "getMemory", summary = "One memory of the context or of an ancestor, with its depth")
    public Uni<MemoryView> get(@PathParam("id") String id, @PathParam("memoryId") String memoryId) {
        return reader.get(Viewer.of(caller.get()), Params.uuid("id", id), Params.uuid("memoryId", memoryId));
    }

    @PATCH
    @Path("/{memoryId}")
    @RequiresPermission("memory:write:{id}")
    @Operation(
            operationId = "updateMemory",
            summary = "Change a memory of this context in place",
            description = "Only fields present change; new"
                    + " content is re-embedded. Superseded memories cannot change (409).")
    public Uni<MemoryView> update(
            @PathParam("id") String id,
            @PathParam("memoryId") String memoryId,
            @NotNull @Valid MemoryRequests.UpdateMemory request) {
        return scribe.update(
                Viewer.of(caller.get()), Params.uuid("id", id), Params.uuid("memoryId", memoryId), request);
    }

    @DELETE
    @Path("/{memoryId}")
    @RequiresPermission("memory:write:{id}")
    @Operation(
            operationId = "deleteMemory",
            summary = "Delete a memory of this context",
            description = "Deleting the current version of a key" + " brings back the version it superseded.")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("id") String id, @PathParam("memoryId") String memoryId) {
        return scribe.delete(Viewer.of(caller.get()), Params.uuid("id", id), Params.uuid("memoryId", memoryId))
                .replaceWith(Response.noContent().build());
    }
}
