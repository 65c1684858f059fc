package ai.prometheus.shared.platform.error;

import ai.prometheus.shared.security.RequiresPermission;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Lets an operator prove the error pipeline end to end: the call fails on purpose, the failure is
 * answered as a 500 problem, reported through the outbox, and shows up in the guardian.
 */
@Path("/api/v1/diagnostics")
@Tag(name = "diagnostics")
public class DiagnosticsResource {

    @POST
    @Path("/failure")
    @Produces("application/problem+json")
    @RequiresPermission("admin")
    @Operation(
            operationId = "triggerDiagnosticFailure",
            summary = "Fail on purpose",
            description = "Answers 500 and reports the error to the guardian.")
    public Uni<Void> fail() {
        return Uni.createFrom().failure(new DiagnosticFailure());
    }

    /** The deliberate failure; its type lets the guardian tell drills from real incidents. */
    public static class DiagnosticFailure extends RuntimeException {
        public DiagnosticFailure() {
            super("Deliberate failure requested through the diagnostics endpoint");
        }
    }
}
