package ai.prometheus.guardian.remediation;

import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.web.PageRequest;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.RequiresPermission;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/actions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "remediation actions")
public class ActionResource {

    static final List<String> STATUSES = List.of(
            RemediationAction.PENDING,
            RemediationAction.APPLIED,
            RemediationAction.REFUSED,
            RemediationAction.FAILED,
            RemediationAction.REVERTED);

    private final ActionService service;
    private final ActionRepository actions;
    private final CurrentCaller caller;

    public ActionResource(ActionService service, ActionRepository actions, CurrentCaller caller) {
        this.service = service;
        this.actions = actions;
        this.caller = caller;
    }

    @GET
    @RequiresPermission({"errors:read", "guardian:admin"})
    @WithSession
    @Operation(
            operationId = "listRemediationActions",
            summary = "List actions, newest first",
            description = "Filters: ruleId, groupId, status.")
    public Uni<PageResult<ActionView>> list(
            @QueryParam("ruleId") String ruleId,
            @QueryParam("groupId") String groupId,
            @QueryParam("status") String status,
            @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        PageRequest paging = PageRequest.of(page, size);
        if (status != null && !STATUSES.contains(status)) {
            throw ProblemException.invalidField("status", "must be one of " + STATUSES);
        }
        return service.page(
                        Params.uuid("ruleId", ruleId),
                        Params.uuid("groupId", groupId),
                        status,
                        paging.offset(),
                        paging.rows())
                .map(found -> paging.answer(found, ActionView::of));
    }

    @GET
    @Path("/{id}")
    @RequiresPermission({"errors:read", "guardian:admin"})
    @WithSession
    @Operation(operationId = "getRemediationAction", summary = "One action with its outcome and verification")
    public Uni<ActionView> get(@PathParam("id") String id) {
        return actions.findById(Params.uuid("id", id))
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("action", id))
                .map(ActionView::of);
    }

    @POST
    @Path("/{id}/revert")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresPermission("guardian:admin")
    @Operation(
            operationId = "revertRemediationAction",
            summary = "Revert an applied action",
            description = "Sends the opposite action (a disabled tool is"
                    + " enabled again) and answers 202 with it; when it is applied, the original becomes reverted and its"
                    + " errors lose fix_applied.")
    @APIResponse(
            responseCode = "202",
            description = "The revert is recorded and will be carried out",
            content = @Content(schema = @Schema(implementation = ActionView.class)))
    public Uni<Response> revert(@PathParam("id") String id, @Valid RevertRequest request) {
        var actionId = Params.uuid("id", id);
        return service.revert(actionId, caller.get().subject(), request == null ? null : request.reason())
                .map(revert -> Response.accepted(ActionView.of(revert))
                        .location(URI.create("/api/v1/actions/" + revert.id))
                        .build());
    }
}
