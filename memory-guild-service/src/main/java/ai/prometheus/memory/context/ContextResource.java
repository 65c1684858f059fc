package ai.prometheus.memory.context;

import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.platform.web.StrictJson;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.RequiresPermission;
import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
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
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Contexts, their lineage and children, and the shares on them. A context the caller may not see
 * is answered 404, exactly like one that does not exist, so context ids do not leak.
 */
@Path("/api/v1/contexts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "contexts")
public class ContextResource {

    /** What a partial update may change; anything else is refused, as in every typed body. */
    static final Set<String> PATCHABLE =
            Set.of("name", "contextData", "metadata", "parentContextId", "contextualEmbedding");

    private final Coordinator coordinator;
    private final CurrentCaller caller;

    public ContextResource(Coordinator coordinator, CurrentCaller caller) {
        this.coordinator = coordinator;
        this.caller = caller;
    }

    // No @RequiresPermission: a token holding only memory:write:<parent> may create a child under
    // that parent, which one annotation cannot express; a root needs memory:write for every
    // context, or a narrowly scoped token could start trees of its own. Same matcher below.
    @POST
    @Operation(
            operationId = "createContext",
            summary = "Create a context",
            description = "Owned by the caller; with parentContextId it inherits"
                    + " the parent's memories (needs write access to the parent and memory:write for some target). A root"
                    + " context needs memory:write for every context.")
    @APIResponse(
            responseCode = "201",
            description = "The context, created",
            content = @Content(schema = @Schema(implementation = ContextView.class)))
    public Uni<Response> create(@NotNull @Valid ContextRequests.CreateContext request) {
        Caller current = caller.get();
        if (request.parentContextId() == null) {
            Viewer.requireGeneral(current, "write", "creating a root context");
        } else {
            Viewer.requireCapability(current, "write");
        }
        return coordinator
                .create(Viewer.of(current), request)
                .map(view -> Response.created(URI.create("/api/v1/contexts/" + view.id()))
                        .entity(view)
                        .build());
    }

    @GET
    @Operation(
            operationId = "listContexts",
            summary = "Contexts the caller owns or that are shared with it, newest first",
            description = "Administrators (memory:admin) see every context.")
    public Uni<PageResult<ContextView>> list(
            @QueryParam("agentId") String agentId, @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        Caller current = caller.get();
        Viewer.requireCapability(current, "read");
        return coordinator.list(
                Viewer.of(current), Params.uuid("agentId", agentId), Params.page(page), Params.size(size, 50));
    }

    @GET
    @Path("/{id}")
    @RequiresPermission("memory:read:{id}")
    @Operation(operationId = "getContext", summary = "One context, with the caller's access to it")
    public Uni<ContextView> get(@PathParam("id") String id) {
        return coordinator.get(viewer(), Params.uuid("id", id));
    }

    @PATCH
    @Path("/{id}")
    @RequiresPermission("memory:write:{id}")
    @Operation(
            operationId = "updateContext",
            summary = "Rename, change data or metadata, or move under another parent",
            description = "Only the fields present change. Moving needs manage access (owner) and is refused with"
                    + " 409 when the new parent is the context itself or below it.")
    public Uni<ContextView> update(@PathParam("id") String id, JsonNode patch) {
        StrictJson.requireKnownFields(patch, PATCHABLE);
        return coordinator.update(viewer(), Params.uuid("id", id), patch);
    }

    @DELETE
    @Path("/{id}")
    @RequiresPermission("memory:write:{id}")
    @Operation(
            operationId = "deleteContext",
            summary = "Delete a context and its memories",
            description =
                    "policy=refuse (default) answers 409 while"
                            + " the context has children; cascade deletes the subtree; reparent hands the children to its parent.")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("id") String id, @QueryParam("policy") String policy) {
        return coordinator
                .delete(viewer(), Params.uuid("id", id), policy(policy))
                .replaceWith(Response.noContent().build());
    }

    @GET
    @Path("/{id}/lineage")
    @RequiresPermission("memory:read:{id}")
    @Operation(
            operationId = "getContextLineage",
            summary = "The context and its ancestors, nearest first (depth 0 is the context)",
            description = "Ancestors the caller may not see are left out.")
    public Uni<List<ContextView.Step>> lineage(@PathParam("id") String id) {
        return coordinator.lineageSteps(viewer(), Params.uuid("id", id));
    }

    @GET
    @Path("/{id}/children")
    @RequiresPermission("memory:read:{id}")
    @Operation(operationId = "listContextChildren", summary = "The direct children of a context, oldest first")
    public Uni<PageResult<ContextView>> children(
            @PathParam("id") String id, @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        return coordinator.children(viewer(), Params.uuid("id", id), Params.page(page), Params.size(size, 50));
    }

    @GET
    @Path("/{id}/shares")
    @RequiresPermission("memory:write:{id}")
    @Operation(operationId = "listContextShares", summary = "Who the context is shared with (owner or memory:admin)")
    public Uni<List<ShareView>> shares(@PathParam("id") String id) {
        return coordinator.shares(viewer(), Params.uuid("id", id));
    }

    @POST
    @Path("/{id}/shares")
    @RequiresPermission("memory:write:{id}")
    @Operation(
            operationId = "grantContextShare",
            summary = "Grant a user, agent or group read or write access to the context and everything below it",
            description = "Granting the same grantee again replaces its access and expiry.")
    @APIResponse(
            responseCode = "201",
            description = "The share, granted",
            content = @Content(schema = @Schema(implementation = ShareView.class)))
    public Uni<Response> grant(@PathParam("id") String id, @NotNull @Valid ContextRequests.GrantShare request) {
        return coordinator
                .grant(viewer(), Params.uuid("id", id), request)
                .map(view -> Response.created(
                                URI.create("/api/v1/contexts/" + view.contextId() + "/shares/" + view.id()))
                        .entity(view)
                        .build());
    }

    @DELETE
    @Path("/{id}/shares/{shareId}")
    @RequiresPermission("memory:write:{id}")
    @Operation(operationId = "revokeContextShare", summary = "Revoke a share")
    @APIResponse(responseCode = "204", description = "Revoked")
    public Uni<Response> revoke(@PathParam("id") String id, @PathParam("shareId") String shareId) {
        return coordinator
                .revoke(viewer(), Params.uuid("id", id), Params.uuid("shareId", shareId))
                .replaceWith(Response.noContent().build());
    }

    private Viewer viewer() {
        return Viewer.of(caller.get());
    }

    private static Coordinator.DeletePolicy policy(String value) {
        if (value == null || value.isBlank()) {
            return Coordinator.DeletePolicy.REFUSE;
        }
        try {
            return Coordinator.DeletePolicy.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("policy", "must be refuse, cascade or reparent");
        }
    }
}
