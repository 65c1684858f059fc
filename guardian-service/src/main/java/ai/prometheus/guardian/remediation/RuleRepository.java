package ai.prometheus.guardian.remediation;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class RuleRepository implements PanacheRepositoryBase<RemediationRule, UUID> {

    public Uni<List<RemediationRule>> enabled() {
        return find("enabled", Sort.ascending("createdAt").and("id"), true).list();
    }

    public Uni<RemediationRule> findByName(String name) {
        return find("name", name).firstResult();
    }

    public Uni<List<RemediationRule>> page(int offset, int limit) {
        return findAll(Sort.ascending("name").and("id"))
                .range(offset, offset + limit - 1)
                .list();
    }
}
