package ai.prometheus.registry.catalog;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * A per-replica cache of answers read from the tool catalog. Each entry remembers the catalog
 * version it was read at, and every lookup reads the current version ({@link
 * CatalogVersionRepository}, one primary-key row bumped in the transaction of any change to the
 * tools table): a change committed through any replica is seen by the next lookup on every
 * replica, without waiting for a notification to travel. A hit costs that one indexed read.
 * Used by discovery's listings and by the single-tool read; lookups are counted as
 * {@code result=hit|miss} under the metric each user names.
 */
public final class CatalogCache<K, V> {

    private final CatalogVersionRepository catalog;
    private final Cache<K, Entry<V>> entries;
    private final Counter hits;
    private final Counter misses;

    /**
     * @param capacity the entries' total weight; 0 turns the cache off (every lookup loads)
     * @param weight an entry's weight: 1 to bound the number of entries, its size in bytes to bound memory
     */
    public CatalogCache(
            CatalogVersionRepository catalog,
            MeterRegistry meters,
            String metric,
            String description,
            long capacity,
            ToIntFunction<V> weight) {
        this.catalog = catalog;
        this.entries = capacity <= 0
                ? null
                : Caffeine.newBuilder()
                        .maximumWeight(capacity)
                        .weigher((K key, Entry<V> entry) -> weight.applyAsInt(entry.value()))
                        .build();
        this.hits = Counter.builder(metric)
                .tag("result", "hit")
                .description(description)
                .register(meters);
        this.misses = Counter.builder(metric)
                .tag("result", "miss")
                .description(description)
                .register(meters);
    }

    /** The value for {@code key}: cached if read at the current catalog version, else loaded and kept. */
    public Uni<V> get(K key, Supplier<Uni<V>> load) {
        if (entries == null) {
            return load.get();
        }
        return catalog.current().chain(version -> cachedOrLoaded(key, version, load));
    }

    private Uni<V> cachedOrLoaded(K key, long version, Supplier<Uni<V>> load) {
        Entry<V> entry = entries.getIfPresent(key);
        if (entry != null && entry.version() == version) {
            hits.increment();
            return Uni.createFrom().item(entry.value());
        }
        misses.increment();
        // Read after the version: the value is at least as new as the version it is kept under.
        return load.get().invoke(value -> entries.put(key, new Entry<>(version, value)));
    }

    private record Entry<V>(long version, V value) {}
}
