package ai.prometheus.registry.invocation;

import ai.prometheus.registry.tool.ToolRepository;
import ai.prometheus.registry.tool.ToolVersion;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * The tool versions invocations run, kept in memory. A version row is never changed once written
 * (an update adds the next version; a tool deleted and registered again gets a new id), so an
 * entry can never be stale and needs no invalidation across replicas; which version is current
 * still comes from the tool's row, read on every invocation. Saves one query per invocation and
 * the materialisation of the version's code and signature. Entries are detached entities, only read.
 */
@ApplicationScoped
public class VersionCache {

    static final int SIZE = 1_000;

    private record Key(UUID toolId, int version) {}

    private final ToolRepository repository;
    private final Cache<Key, ToolVersion> versions =
            Caffeine.newBuilder().maximumSize(SIZE).build();

    public VersionCache(ToolRepository repository) {
        this.repository = repository;
    }

    /** The version if it is in memory, else null. */
    public ToolVersion cached(UUID toolId, int version) {
        return versions.getIfPresent(new Key(toolId, version));
    }

    /** The version, from memory or (inside a session) from the database; null when there is none. */
    public Uni<ToolVersion> version(UUID toolId, int version) {
        Key key = new Key(toolId, version);
        ToolVersion known = versions.getIfPresent(key);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return repository.version(toolId, version).invoke(found -> {
            if (found != null) {
                versions.put(key, found);
            }
        });
    }
}
