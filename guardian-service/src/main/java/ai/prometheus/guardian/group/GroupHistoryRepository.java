package ai.prometheus.guardian.group;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class GroupHistoryRepository implements PanacheRepositoryBase<GroupHistoryEntry, UUID> {

    /** The group's most recent {@code limit} entries, oldest first. */
    public Uni<List<GroupHistoryEntry>> recent(UUID groupId, int limit) {
        return find("groupId", Sort.descending("at").and("id", Sort.Direction.Descending), groupId)
                .range(0, limit - 1)
                .list()
                .map(entries -> {
                    List<GroupHistoryEntry> oldestFirst = new java.util.ArrayList<>(entries);
                    java.util.Collections.reverse(oldestFirst);
                    return oldestFirst;
                });
    }
}
