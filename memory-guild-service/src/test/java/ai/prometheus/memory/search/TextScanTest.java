package ai.prometheus.memory.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.memory.context.Access;
import ai.prometheus.memory.context.LineageEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The index's full-text scan against a BM25 computed afresh from every memory's current lexemes,
 * on random blocks whose memories change in place or are rebuilt: the block keeps its document
 * count and length as memories change, and the scan selects the best n (score, then newest, then
 * id in Postgres's order) without sorting every match; both must give what a fresh count and a
 * full sort give.
 */
class TextScanTest {

    private static final String[] WORDS = {"alpha", "beta", "gamma", "delta", "deploy", "team", "kafka", "zeta"};

    @Test
    void theTextScanRanksLikeAFreshCountAfterChangesInPlaceAndRebuilds() {
        Random random = new Random(5);
        for (int round = 0; round < 80; round++) {
            ContextBlock block = new ContextBlock(UUID.randomUUID(), 4);
            Map<UUID, String> texts = new LinkedHashMap<>();
            Map<UUID, Long> occurred = new LinkedHashMap<>();
            int size = random.nextInt(300);
            if (random.nextInt(3) == 0) {
                // A rebuild: what the block held before is gone from the statistics.
                for (int i = 0; i < 1 + random.nextInt(50); i++) {
                    write(block, new UUID(-1 - round, i), random, new LinkedHashMap<>(), new LinkedHashMap<>());
                }
                block.clear(size);
            }
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                UUID id = new UUID(round, random.nextLong());
                ids.add(id);
                write(block, id, random, texts, occurred);
            }
            for (int i = 0; i < size / 4; i++) {
                write(block, ids.get(random.nextInt(size)), random, texts, occurred);
            }
            String queryText =
                    "'" + WORDS[random.nextInt(WORDS.length)] + "' | '" + WORDS[random.nextInt(WORDS.length)] + "'";
            TextSearch.Query query = TextSearch.parseQuery(queryText).orElseThrow();
            int n = 1 + random.nextInt(random.nextBoolean() ? 10 : 120);
            String message = "round " + round + ": " + size + " memories, " + queryText + ", best " + n;

            LineageEntry entry = new LineageEntry(block.contextId, null, 0, "c", "owner", 0, 0, Access.MANAGE);
            VectorIndex.Filter all = new VectorIndex.Filter(true, null, null, null, null, null, null);
            VectorIndex.Scan<VectorIndex.TextHit> scan = new VectorIndex(null, null, null)
                    .searchText(query, new VectorIndex.Loaded(List.of(entry), List.of(block)), all, n);

            TextSearch.Statistics statistics = new TextSearch.Statistics(query);
            Map<UUID, TextSearch.Document> documents = new LinkedHashMap<>();
            texts.forEach((id, text) -> {
                TextSearch.Document document = TextSearch.parseVector(text);
                documents.put(id, document);
                statistics.countDocument(document);
                statistics.countLexemes(document);
            });
            List<VectorIndex.TextHit> expected = new ArrayList<>();
            double sum = 0;
            for (Map.Entry<UUID, TextSearch.Document> document : documents.entrySet()) {
                if (query.matches(document.getValue())) {
                    float score = (float) query.bm25(document.getValue(), statistics);
                    sum += score;
                    expected.add(new VectorIndex.TextHit(document.getKey(), score, occurred.get(document.getKey())));
                }
            }
            expected.sort(Comparator.comparingDouble((VectorIndex.TextHit hit) -> hit.rank())
                    .reversed()
                    .thenComparing(Comparator.comparingLong(VectorIndex.TextHit::occurredAtMillis)
                            .reversed())
                    .thenComparing(VectorIndex.TextHit::memoryId, VectorIndex::comparePostgresUuids));

            assertEquals(texts.size(), scan.scored(), message + ": every memory in scope counted");
            assertEquals(sum, scan.sum(), 1e-3, message + ": sum of scores");
            assertEquals(expected.subList(0, Math.min(n, expected.size())), scan.hits(), message);
        }
    }

    /** A memory of a few words at random positions, some of them shared with others (ties). */
    private static void write(
            ContextBlock block, UUID id, Random random, Map<UUID, String> texts, Map<UUID, Long> occurred) {
        TreeMap<String, List<Integer>> positions = new TreeMap<>(TextSearch::comparePostgres);
        int words = 1 + random.nextInt(5);
        for (int w = 0; w < words; w++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            positions.computeIfAbsent(word, ignored -> new ArrayList<>()).add(1 + w + random.nextInt(3) * 8);
        }
        StringBuilder text = new StringBuilder();
        positions.forEach((word, at) -> {
            text.append(text.length() == 0 ? "" : " ").append('\'').append(word).append("':");
            at.stream().sorted().distinct().forEach(p -> text.append(p).append(','));
            text.setLength(text.length() - 1);
        });
        long when = random.nextInt(3);
        block.upsert(new ContextBlock.Entry(
                id, null, "fact", 0, when, true, 0, null, TextSearch.parseVector(text.toString())));
        texts.put(id, text.toString());
        occurred.put(id, when);
    }
}
