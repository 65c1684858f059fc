package ai.prometheus.sandbox.session;

import ai.prometheus.shared.platform.persistence.Listing;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class SessionRepository implements PanacheRepositoryBase<SandboxSession, UUID> {

    public Uni<List<SandboxSession>> ownedBy(String owner, int offset, int limit) {
        return find("owner", Listing.newestFirst(), owner)
                .range(offset, offset + limit - 1)
                .list();
    }

    public Uni<Long> countOwnedBy(String owner) {
        return count("owner", owner);
    }

    /** Sessions idle past their expiry, locked so that two replicas never remove one twice. */
    public Uni<List<SandboxSession>> lockExpired(OffsetDateTime now, int limit) {
        return find("expiresAt < ?1", Sort.ascending("expiresAt"), now)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .range(0, limit - 1)
                .list();
    }
}
