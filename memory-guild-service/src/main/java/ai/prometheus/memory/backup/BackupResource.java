package ai.prometheus.memory.backup;

import ai.prometheus.memory.context.Viewer;
import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.RequiresPermission;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Backups of context trees. Backing up a tree needs manage access to its root; backing up every
 * context, uploading and restoring need memory:admin, because a backup file carries ownership and
 * grants: applying one decides who sees what.
 */
@Path("/api/v1/backups")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "backups")
@Blocking
public class BackupResource {

    static final String GZIP = "application/gzip";

    private final Archivist archivist;
    private final BackupRestorer restorer;
    private final CurrentCaller caller;

    public BackupResource(Archivist archivist, BackupRestorer restorer, CurrentCaller caller) {
        this.archivist = archivist;
        this.restorer = restorer;
        this.caller = caller;
    }

    /** {@code POST /backups}: without contextId, every context. */
    public record CreateBackup(UUID contextId) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "createBackup",
            summary = "Start a backup",
            description =
                    "202 with the backup, status running; poll GET /backups/{id}"
                            + " until completed. Needs memory:write and manage access to contextId, or memory:admin without one.")
    @APIResponse(
            responseCode = "202",
            description = "The backup, running; poll it until completed",
            content = @Content(schema = @Schema(implementation = BackupView.class)))
    public Uni<Response> create(@Valid CreateBackup request) {
        Caller current = caller.get();
        Viewer.requireCapability(current, "write");
        return archivist
                .start(Viewer.of(current), request == null ? null : request.contextId())
                .map(backup -> Response.accepted(backup)
                        .location(URI.create("/api/v1/backups/" + backup.id()))
                        .build());
    }

    @GET
    @Operation(
            operationId = "listBackups",
            summary = "Backups the caller made (every backup for memory:admin), newest first")
    public PageResult<BackupView> list(@QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        Caller current = caller.get();
        Viewer.requireCapability(current, "read");
        int pageIndex = Params.page(page);
        int pageSize = Params.size(size, 50);
        return PageResult.of(
                archivist.list(Viewer.of(current), pageIndex * pageSize, pageSize + 1),
                pageIndex,
                pageSize,
                backup -> backup);
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getBackup", summary = "One backup")
    public BackupView get(@PathParam("id") String id) {
        Caller current = caller.get();
        Viewer.requireCapability(current, "read");
        return archivist.get(Viewer.of(current), Params.uuid("id", id));
    }

    @GET
    @Path("/{id}/download")
    @Produces(GZIP)
    @Operation(operationId = "downloadBackup", summary = "Download the backup file (gzip JSON lines)")
    @APIResponse(
            responseCode = "200",
            description = "The backup file",
            content =
                    @Content(
                            mediaType = "application/gzip",
                            schema = @Schema(type = SchemaType.STRING, format = "binary")))
    public Response download(@PathParam("id") String id) {
        Caller current = caller.get();
        Viewer.requireCapability(current, "read");
        java.nio.file.Path file = archivist.file(Viewer.of(current), Params.uuid("id", id));
        return Response.ok(file.toFile(), GZIP)
                .header("Content-Disposition", "attachment; filename=\"" + file.getFileName() + "\"")
                .build();
    }

    @POST
    @Path("/upload")
    @Consumes({GZIP, MediaType.APPLICATION_OCTET_STREAM})
    @RequiresPermission("memory:admin")
    @Operation(
            operationId = "uploadBackup",
            summary = "Upload a backup file from this or another deployment",
            description = "The file is checked completely (format, version, every record, the trailer's counts) and"
                    + " stored; restore it with POST /backups/{id}/restore.")
    @APIResponse(
            responseCode = "201",
            description = "The uploaded backup, checked and stored",
            content = @Content(schema = @Schema(implementation = BackupView.class)))
    public Response upload(InputStream body) {
        BackupView backup = restorer.upload(Viewer.of(caller.get()), body);
        return Response.created(URI.create("/api/v1/backups/" + backup.id()))
                .entity(backup)
                .build();
    }

    @POST
    @Path("/{id}/restore")
    @RequiresPermission("memory:admin")
    @Operation(
            operationId = "restoreBackup",
            summary = "Restore a backup",
            description =
                    "Rows that already exist are left as they are, so restoring"
                            + " twice changes nothing. Memories embedded by another model are re-embedded with the running one.")
    public RestoreReport restore(@PathParam("id") String id) {
        return restorer.restore(Viewer.of(caller.get()), Params.uuid("id", id));
    }

    @DELETE
    @Path("/{id}")
    @Operation(operationId = "deleteBackup", summary = "Delete a backup and its file")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Response delete(@PathParam("id") String id) {
        Caller current = caller.get();
        Viewer.requireCapability(current, "write");
        archivist.delete(Viewer.of(current), Params.uuid("id", id));
        return Response.noContent().build();
    }
}
