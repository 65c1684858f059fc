package ai.prometheus.registry.remediation;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** The guardian's commands this registry carried out, keyed by the guardian's action id. */
@ApplicationScoped
public class RemediationRepository implements PanacheRepositoryBase<Remediation, UUID> {}
