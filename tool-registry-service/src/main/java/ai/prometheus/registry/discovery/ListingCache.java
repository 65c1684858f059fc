package ai.prometheus.registry.discovery;

import ai.prometheus.registry.config.RegistryConfig;
import ai.prometheus.shared.platform.web.PageResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.function.Supplier;

/**
 * A small per-replica cache of listing pages, keyed by the listing's SQL and arguments (which
 * carry everything the answer depends on: the caller's principals and grants, filters, order,
 * page). Each entry remembers the catalog version it was read at; every lookup reads the current
 * version (one primary-key row, bumped by a trigger in the transaction of any change to the tools
 * table), so a change committed through any replica is seen by the next listing on every replica,
 * without waiting for a notification to travel. A hit costs that one indexed read instead of a
 * ranked search; see the README's "Discovery performance".
 */
// Created at start, so its meters are exported before the first use.
@Startup
@ApplicationScoped
public class ListingCache {

    private final ToolListingRepository listings;
    private final ObjectMapper json;
    private final Cache<Key, Entry> entries;
    private final boolean enabled;
    private final Counter hits;
    private final Counter misses;

    public ListingCache(
            ToolListingRepository listings, ObjectMapper json, RegistryConfig config, MeterRegistry meters) {
        this.listings = listings;
        this.json = json;
        int size = config.discovery().cacheSize();
        this.enabled = size > 0;
        this.entries = Caffeine.newBuilder().maximumSize(Math.max(size, 1)).build();
        this.hits = Counter.builder("prometheus.registry.discovery.cache.lookups")
                .tag("result", "hit")
                .description("Discovery listings answered from the replica's cache, or read from the database")
                .register(meters);
        this.misses = Counter.builder("prometheus.registry.discovery.cache.lookups")
                .tag("result", "miss")
                .description("Discovery listings answered from the replica's cache, or read from the database")
                .register(meters);
    }

    /** The page for this listing: cached if read at the current catalog version, else loaded and kept. */
    Uni<Listing> get(ToolListingRepository.Statement statement, Supplier<Uni<PageResult<ToolSummary>>> load) {
        if (!enabled) {
            return load.get().map(this::listing);
        }
        Key key = new Key(
                statement.sql(),
                statement.args().stream().map(ListingCache::comparable).toList());
        return listings.catalogVersion().chain(version -> cachedOrLoaded(key, version, load));
    }

    private Uni<Listing> cachedOrLoaded(Key key, long version, Supplier<Uni<PageResult<ToolSummary>>> load) {
        Entry entry = entries.getIfPresent(key);
        if (entry != null && entry.version() == version) {
            hits.increment();
            return Uni.createFrom().item(entry.listing());
        }
        misses.increment();
        // Read after the version: the page is at least as new as the version it is kept under.
        return load.get().map(this::listing).invoke(listing -> entries.put(key, new Entry(version, listing)));
    }

    private Listing listing(PageResult<ToolSummary> page) {
        try {
            return new Listing(page, json.writeValueAsBytes(page));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a listing", e);
        }
    }

    private static Object comparable(Object arg) {
        return arg instanceof Object[] array ? List.of(array) : arg;
    }

    private record Key(String sql, List<Object> args) {}

    private record Entry(long version, Listing listing) {}
}
