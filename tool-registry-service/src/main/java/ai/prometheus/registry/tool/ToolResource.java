package ai.prometheus.registry.tool;

import ai.prometheus.registry.discovery.Discovery;
import ai.prometheus.registry.discovery.DiscoveryQuery;
import ai.prometheus.registry.export.ToolExport;
import ai.prometheus.registry.permission.ToolAcl;
import ai.prometheus.shared.platform.postgres.UniqueViolations;
import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.RequiresPermission;
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
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tool endpoints. Changes are authorized (and audited, allowed or denied) by the service
 * against the tool's ACL, so they only require an authenticated caller here.
 */
@Path("/api/v1/tools")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "tools")
public class ToolResource {

    private static final MediaType JSON_UTF8 = MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8");

    private final ToolService tools;
    private final Discovery discovery;
    private final CurrentCaller caller;

    public ToolResource(ToolService tools, Discovery discovery, CurrentCaller caller) {
        this.tools = tools;
        this.discovery = discovery;
        this.caller = caller;
    }

    @POST
    @RequiresPermission("tools:write")
    @Operation(
            operationId = "registerTool",
            summary = "Register a tool",
            description = "The caller becomes its owner; it starts at version 1.")
    @APIResponse(
            responseCode = "201",
            description = "The tool, registered at version 1",
            content = @Content(schema = @Schema(implementation = ToolViews.Detail.class)))
    public Uni<Response> register(@NotNull @Valid ToolRequests.Register request, UriInfo uri) {
        return tools.register(caller.get(), request)
                .onFailure(UniqueViolations::test)
                .transform(e -> ProblemException.conflict(
                        "a tool named '" + request.name() + "' was registered at the same time; choose another name"))
                .map(detail -> Response.created(
                                uri.getAbsolutePathBuilder().path(detail.name()).build())
                        .entity(detail)
                        .build());
    }

    @GET
    @Operation(
            operationId = "discoverTools",
            summary = "Discover tools",
            description = "Only tools the caller may read are listed."
                    + " q searches names, descriptions and tags. format=openai or format=anthropic answers a page of the"
                    + " active tools the caller may invoke in that provider's tool format (default size: the largest page),"
                    + " with hasMore; strict=true (openai) writes strict-mode functions and lists the tools that cannot be"
                    + " one in skipped, with the reason.")
    @APIResponse(
            responseCode = "200",
            description = "A page of tool summaries, or with format= the tools as function definitions",
            content = @Content(schema = @Schema(oneOf = {PageResult.class, ToolExport.class})))
    public Uni<Object> discover(
            @QueryParam("q") String text,
            @QueryParam("tag") List<String> tags,
            @QueryParam("owner") String owner,
            @QueryParam("status") List<String> statuses,
            @QueryParam("sort") String sort,
            @QueryParam("format") String format,
            @QueryParam("strict") boolean strict,
            @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        if (format == null || format.isBlank() || format.equals("json")) {
            if (strict) {
                throw ProblemException.invalidField("strict", "applies only to format=openai");
            }
            DiscoveryQuery query =
                    new DiscoveryQuery(text, tags, owner, statuses, sort, Params.page(page), Params.size(size, 50));
            return discovery
                    .find(caller.get(), query)
                    .map(listing -> Response.ok(listing.json(), MediaType.APPLICATION_JSON_TYPE)
                            .build());
        }
        if (!ToolExport.FORMATS.contains(format)) {
            throw ProblemException.invalidField("format", "must be json, " + String.join(" or ", ToolExport.FORMATS));
        }
        // An export lists what the caller can actually call: active tools it may invoke, a whole page by default.
        DiscoveryQuery query = new DiscoveryQuery(
                text, tags, owner, statuses, sort, Params.page(page), Params.size(size, Params.MAX_PAGE_SIZE));
        return discovery.invocable(caller.get(), query).map(found -> (Object) ToolExport.of(format, strict, found));
    }

    @GET
    @Path("/{name}")
    @Operation(
            operationId = "getTool",
            summary = "A tool with its current definition and its versions",
            description = "includeDeleted=true shows the latest deleted tool of that name with its history.")
    @APIResponse(
            responseCode = "200",
            description = "The tool; its permissions only for those who may manage it",
            content = @Content(schema = @Schema(implementation = ToolViews.Detail.class)))
    public Uni<Response> get(@PathParam("name") String name, @QueryParam("includeDeleted") boolean includeDeleted) {
        // The answer is JSON already written (see ToolReadCache), with the type an entity would get.
        return tools.read(caller.get(), name, includeDeleted)
                .map(json -> Response.ok(json, JSON_UTF8).build());
    }

    @GET
    @Path("/{name}/versions/{version}")
    @Operation(operationId = "getToolVersion", summary = "One immutable version of a tool")
    public Uni<ToolViews.Version> version(@PathParam("name") String name, @PathParam("version") int version) {
        return tools.readVersion(caller.get(), name, version);
    }

    @PUT
    @Path("/{name}")
    @Operation(
            operationId = "updateTool",
            summary = "Update a tool",
            description = "The body replaces the definition and becomes a new version;"
                    + " an identical body changes nothing.")
    public Uni<ToolViews.Detail> update(@PathParam("name") String name, @NotNull @Valid ToolRequests.Update request) {
        return tools.update(caller.get(), name, request)
                .onFailure(UniqueViolations::test)
                .transform(e -> ProblemException.conflict(
                        "tool '" + name + "' was updated at the same time; read it again and retry"));
    }

    @DELETE
    @Path("/{name}")
    @Operation(
            operationId = "deleteTool",
            summary = "Deregister a tool",
            description = "Its versions, invocations and audit trail are kept.")
    @APIResponse(responseCode = "204", description = "Deregistered")
    public Uni<Response> delete(@PathParam("name") String name) {
        return tools.delete(caller.get(), name)
                .map(ignored -> Response.noContent().build());
    }

    @PUT
    @Path("/{name}/status")
    @Operation(
            operationId = "setToolStatus",
            summary = "Disable a tool (with a reason callers will see) or enable it again")
    public Uni<ToolViews.Detail> status(
            @PathParam("name") String name, @NotNull @Valid ToolRequests.StatusChange change) {
        return tools.changeStatus(caller.get(), name, change);
    }

    @GET
    @Path("/{name}/permissions")
    @Operation(operationId = "getToolPermissions", summary = "The tool's access control list")
    public Uni<ToolAcl> permissions(@PathParam("name") String name) {
        return tools.permissions(caller.get(), name);
    }

    @PUT
    @Path("/{name}/permissions")
    @Operation(
            operationId = "setToolPermissions",
            summary = "Replace the tool's access control list",
            description = "Entries are *, subject:<subject> or group:<group>, per action (read, invoke, manage).")
    public Uni<ToolAcl> changePermissions(@PathParam("name") String name, @NotNull @Valid ToolAcl acl) {
        return tools.changePermissions(caller.get(), name, acl);
    }
}
