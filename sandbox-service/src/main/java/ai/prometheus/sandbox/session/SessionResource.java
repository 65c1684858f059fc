package ai.prometheus.sandbox.session;

import ai.prometheus.sandbox.execution.ExecutionRecords;
import ai.prometheus.sandbox.execution.ExecutionResource;
import ai.prometheus.sandbox.execution.RequestValidator;
import ai.prometheus.sandbox.execution.RunRequest;
import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.security.ServiceIdentity;
import ai.prometheus.shared.platform.web.PageRequest;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.sandbox.ExecutionRequest;
import ai.prometheus.shared.sandbox.ExecutionResult;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.RequiresPermission;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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
import java.util.UUID;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Sessions and their files. Every operation needs {@code sandbox:execute} and acts on the caller's
 * own sessions (a service acting for someone acts on that someone's); another caller's session
 * answers 404.
 */
@Path("/api/v1/sessions")
@Produces(MediaType.APPLICATION_JSON)
@RequiresPermission("sandbox:execute")
@Tag(name = "sessions")
public class SessionResource {

    /** Creation options; both optional. */
    public record NewSession(Integer quotaMb, Long idleTtlSeconds) {}

    private final SessionService sessions;
    private final RequestValidator validator;
    private final CurrentCaller caller;

    public SessionResource(SessionService sessions, RequestValidator validator, CurrentCaller caller) {
        this.sessions = sessions;
        this.validator = validator;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "createSession",
            summary = "Create a session",
            description = "quotaMb bounds the workspace; idleTtlSeconds is how long it"
                    + " survives unused. Both take the operator's defaults when absent.")
    @APIResponse(
            responseCode = "201",
            description = "The session, created",
            content = @Content(schema = @Schema(implementation = SessionView.class)))
    @APIResponse(
            responseCode = "429",
            description = "The session quotas on this host reached sandbox.sessions.total-quota-mb;"
                    + " retry after the Retry-After seconds or ask for a smaller quotaMb")
    public Uni<Response> create(
            NewSession body, @HeaderParam(ServiceIdentity.ON_BEHALF_OF) String onBehalfOf, UriInfo uri) {
        NewSession options = body == null ? new NewSession(null, null) : body;
        return as(onBehalfOf, requester -> sessions.create(requester, options.quotaMb(), options.idleTtlSeconds()))
                .map(view -> Response.created(uri.getAbsolutePathBuilder()
                                .path(view.id().toString())
                                .build())
                        .entity(view)
                        .build());
    }

    @GET
    @Operation(operationId = "listSessions", summary = "The caller's sessions, newest first")
    public Uni<List<SessionView>> list(
            @QueryParam("page") Integer page,
            @QueryParam("size") Integer size,
            @HeaderParam(ServiceIdentity.ON_BEHALF_OF) String onBehalfOf) {
        PageRequest paging = PageRequest.of(page, size);
        return as(onBehalfOf, requester -> sessions.list(requester, paging.offset(), paging.size()));
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getSession", summary = "One session, with the space its workspace uses")
    public Uni<SessionView> get(
            @PathParam("id") String id, @HeaderParam(ServiceIdentity.ON_BEHALF_OF) String onBehalfOf) {
        UUID session = Params.uuid("id", id);
        return as(onBehalfOf, requester -> sessions.get(requester, session));
    }

    @DELETE
    @Path("/{id}")
    @Operation(operationId = "deleteSession", summary = "Delete a session and its workspace")
    @APIResponse(responseCode = "204", description = "Deleted with its workspace")
    public Uni<Response> delete(
            @PathParam("id") String id, @HeaderParam(ServiceIdentity.ON_BEHALF_OF) String onBehalfOf) {
        UUID session = Params.uuid("id", id);
        return as(onBehalfOf, requester -> sessions.delete(requester, session))
                .replaceWith(Response.noContent().build());
    }

    @GET
    @Path("/{id}/files")
    @Operation(
            operationId = "listSessionFiles",
            summary = "Everything in the workspace; symbolic links are listed, never followed")
    public Uni<List<SessionFile>> files(
            @PathParam("id") String id, @HeaderParam(ServiceIdentity.ON_BEHALF_OF) String onBehalfOf) {
        UUID session = Params.uuid("id", id);
        return as(onBehalfOf, requester -> sessions.files(requester, session));
    }

    @PUT
    @Path("/{id}/files/{path: .+}")
    @Consumes(MediaType.WILDCARD)
    @Operation(
            operationId = "uploadSessionFile",
            summary = "Upload a file (the raw request body), creating directories; 413 beyond the quota")
    public Uni<SessionFile> upload(
            @PathParam("id") String id,
            @PathParam("path") String path,
            byte[] content,
            @HeaderParam(ServiceIdentity.ON_BEHALF_OF) String onBehalfOf) {
        UUID session = Params.uuid("id", id);
        byte[] bytes = content == null ? new byte[0] : content;
        return as(onBehalfOf, requester -> sessions.upload(requester, session, path, bytes));
    }

    @GET
    @Path("/{id}/files/{path: .+}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(operationId = "downloadSessionFile", summary = "Download a file")
    public Uni<byte[]> download(
            @PathParam("id") String id,
            @PathParam("path") String path,
            @HeaderParam(ServiceIdentity.ON_BEHALF_OF) String onBehalfOf) {
        UUID session = Params.uuid("id", id);
        return as(onBehalfOf, requester -> sessions.download(requester, session, path));
    }

    @DELETE
    @Path("/{id}/files/{path: .+}")
    @Operation(operationId = "deleteSessionFile", summary = "Delete a file, a link or an empty directory")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> deleteFile(
            @PathParam("id") String id,
            @PathParam("path") String path,
            @HeaderParam(ServiceIdentity.ON_BEHALF_OF) String onBehalfOf) {
        UUID session = Params.uuid("id", id);
        return as(onBehalfOf, requester -> sessions.deleteFile(requester, session, path))
                .replaceWith(Response.noContent().build());
    }

    @POST
    @Path("/{id}/executions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "runInSession",
            summary = "Run code in the session's workspace and wait for the result",
            description =
                    "The body and answers are those of POST /api/v1/executions; the workspace is mounted at /workspace"
                            + " and a run that leaves it above its quota ends FILE_LIMIT.")
    @APIResponse(
            responseCode = "201",
            description = "The finished execution",
            content = @Content(schema = @Schema(implementation = ExecutionResult.class)))
    @APIResponse(
            responseCode = "200",
            description = "The execution first answered for this Idempotency-Key",
            content = @Content(schema = @Schema(implementation = ExecutionResult.class)))
    @APIResponse(responseCode = "410", description = "The session has ended or its workspace is gone")
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used for a different request")
    @APIResponse(responseCode = "429", description = "Too many runs at once; retry after the Retry-After seconds")
    public Uni<Response> run(
            @PathParam("id") String id,
            ExecutionRequest body,
            @HeaderParam(ExecutionResource.IDEMPOTENCY_KEY) String idempotencyKey,
            @HeaderParam(ServiceIdentity.ON_BEHALF_OF) String onBehalfOf,
            UriInfo uri) {
        UUID session = Params.uuid("id", id);
        if (body == null) {
            throw ProblemException.invalidField("body", "a JSON object with language and code is required");
        }
        if (ai.prometheus.shared.sandbox.NetworkPolicy.grantsAny(body.network())) {
            throw ProblemException.invalidField(
                    "network", "session runs have no network; run with POST /api/v1/executions");
        }
        RunRequest request = validator.validate(body.language(), body.code(), body.stdin(), body.limits());
        String key = ExecutionResource.key(idempotencyKey);
        return as(onBehalfOf, requester -> sessions.run(requester, session, request, key))
                .map(executed -> ExecutionResource.created(executed, uri));
    }

    private <T> Uni<T> as(String onBehalfOf, Function<SessionService.Requester, Uni<T>> work) {
        Caller current = caller.get();
        ExecutionRecords.Actor actor = ExecutionResource.actor(current, onBehalfOf);
        return work.apply(new SessionService.Requester(actor, current.isAdmin()));
    }
}
