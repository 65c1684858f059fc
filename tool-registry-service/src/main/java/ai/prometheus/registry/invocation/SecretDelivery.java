package ai.prometheus.registry.invocation;

import ai.prometheus.registry.audit.AuditTrail;
import ai.prometheus.registry.secret.SecretService;
import ai.prometheus.registry.tool.ToolRepository;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.sandbox.RunSecrets;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.PrincipalKind;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Hands the secrets of an asynchronous invocation to the sandbox that is about to run it, so they
 * never travel on Kafka: only a service identity of the suite with {@code tools:secrets:read} may
 * ask, and only for an invocation still waiting for its result. Each delivery is audited (names only).
 */
@ApplicationScoped
public class SecretDelivery {

    private final ToolRepository tools;
    private final SecretService secrets;
    private final AuditTrail audit;
    private final InvocationRepository invocations;

    public SecretDelivery(
            ToolRepository tools, SecretService secrets, AuditTrail audit, InvocationRepository invocations) {
        this.tools = tools;
        this.secrets = secrets;
        this.audit = audit;
        this.invocations = invocations;
    }

    public Uni<RunSecrets> forRun(Caller caller, UUID invocationId) {
        if (caller.kind() != PrincipalKind.SERVICE) {
            return Uni.createFrom()
                    .failure(ProblemException.forbidden(
                            "only a service of the suite (the sandbox) may fetch the secrets of a run"));
        }
        return Panache.withSession(() -> invocations.findById(invocationId).chain(invocation -> {
                    if (invocation == null) {
                        return Uni.createFrom().failure(ProblemException.notFound("invocation", invocationId));
                    }
                    if (invocation.mode != Invocation.Mode.ASYNC || invocation.status != Invocation.Status.PENDING) {
                        return Uni.createFrom()
                                .failure(ProblemException.conflict("invocation " + invocationId
                                        + " is not an asynchronous invocation waiting to run"));
                    }
                    return tools.findById(invocation.toolId)
                            .chain(tool -> tools.version(tool.id, invocation.toolVersion)
                                    .chain(version -> secrets.valuesFor(tool, version.secretNames()))
                                    .call(values -> audit.allowedNow(
                                            caller,
                                            AuditTrail.SECRET_DELIVER,
                                            tool.name,
                                            "delivered to " + caller.subject() + " for invocation " + invocationId,
                                            audit.details()
                                                    .put("invocationId", invocationId.toString())
                                                    .putPOJO("secrets", values.keySet()))));
                }))
                .map(RunSecrets::new);
    }
}
