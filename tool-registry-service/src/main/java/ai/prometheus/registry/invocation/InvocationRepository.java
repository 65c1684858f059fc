package ai.prometheus.registry.invocation;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Invocations by id (the id doubles as the idempotency key of a request). */
@ApplicationScoped
public class InvocationRepository implements PanacheRepositoryBase<Invocation, UUID> {}
