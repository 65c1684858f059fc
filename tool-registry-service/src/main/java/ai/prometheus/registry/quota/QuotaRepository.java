package ai.prometheus.registry.quota;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** The limits set on each tool (one row per tool, keyed by the tool's id). */
@ApplicationScoped
public class QuotaRepository implements PanacheRepositoryBase<Quota, UUID> {}
