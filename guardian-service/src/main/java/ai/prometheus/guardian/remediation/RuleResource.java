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
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/rules")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "remediation rules")
public class RuleResource {

    private final RuleService service;
    private final RuleRepository rules;
    private final CurrentCaller caller;

    public RuleResource(RuleService service, RuleRepository rules, CurrentCaller caller) {
        this.service = service;
        this.rules = rules;
        this.caller = caller;
    }

    @GET
    @RequiresPermission({"errors:read", "guardian:admin"})
    @WithSession
    @Operation(operationId = "listRemediationRules", summary = "List rules by name")
    public Uni<PageResult<RuleView>> list(@QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        PageRequest paging = PageRequest.of(page, size);
        return rules.page(paging.offset(), paging.rows()).map(found -> paging.answer(found, RuleView::of));
    }

    @GET
    @Path("/{id}")
    @RequiresPermission({"errors:read", "guardian:admin"})
    @WithSession
    @Operation(operationId = "getRemediationRule", summary = "One rule")
    public Uni<RuleView> get(@PathParam("id") String id) {
        return rules.findById(Params.uuid("id", id))
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("rule", id))
                .map(RuleView::of);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresPermission("guardian:admin")
    @Operation(
            operationId = "createRemediationRule",
            summary = "Create a rule",
            description = "Action types: disable_tool, enable_tool (params: tool, default"
                    + " the failing tool; reason, with placeholders {rule} {tool} {count} {window} {errorType} {service}) and"
                    + " webhook (params: url, message).")
    @APIResponse(
            responseCode = "201",
            description = "The rule, created",
            content = @Content(schema = @Schema(implementation = RuleView.class)))
    public Uni<Response> create(@Valid @NotNull RuleRequest request) {
        return service.create(request, caller.get().subject())
                .map(rule -> Response.created(URI.create("/api/v1/rules/" + rule.id))
                        .entity(RuleView.of(rule))
                        .build());
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresPermission("guardian:admin")
    @Operation(operationId = "updateRemediationRule", summary = "Replace a rule")
    public Uni<RuleView> update(@PathParam("id") String id, @Valid @NotNull RuleRequest request) {
        var ruleId = Params.uuid("id", id);
        return service.update(ruleId, request, caller.get().subject()).map(RuleView::of);
    }

    @DELETE
    @Path("/{id}")
    @RequiresPermission("guardian:admin")
    @Operation(
            operationId = "deleteRemediationRule",
            summary = "Delete a rule",
            description = "The actions it took stay on record, with its name.")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("id") String id) {
        return service.delete(Params.uuid("id", id))
                .map(nothing -> Response.noContent().build());
    }
}
