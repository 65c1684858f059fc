package ai.prometheus.memory.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A context's refreshes run one at a time, in the order they came, without a thread waiting. */
class RefreshInTurnTest {

    private final ContextBlock block = new ContextBlock(UUID.randomUUID(), 4);

    @Test
    void aRefreshStartsOnlyWhenTheOneBeforeItEnds() {
        List<String> started = new ArrayList<>();
        CompletableFuture<Void> firstLoad = new CompletableFuture<>();
        CompletableFuture<Void> first = block.refreshInTurn(() -> {
            started.add("first");
            return firstLoad;
        });
        CompletableFuture<Void> second = block.refreshInTurn(() -> {
            started.add("second");
            return CompletableFuture.completedFuture(null);
        });

        assertEquals(List.of("first"), started, "the second waits while the first loads");
        assertFalse(second.isDone());
        firstLoad.complete(null);
        assertEquals(List.of("first", "second"), started);
        assertTrue(first.isDone() && second.isDone());
    }

    @Test
    void aFailedRefreshFailsItsCallerAndLetsTheNextOneRun() {
        CompletableFuture<Void> firstLoad = new CompletableFuture<>();
        CompletableFuture<Void> first = block.refreshInTurn(() -> firstLoad);
        CompletableFuture<Void> second = block.refreshInTurn(() -> CompletableFuture.completedFuture(null));

        firstLoad.completeExceptionally(new IllegalStateException("Postgres went away"));

        assertTrue(first.isCompletedExceptionally(), "the caller whose load failed sees the failure");
        assertTrue(second.isDone() && !second.isCompletedExceptionally(), "the next refresh is not stuck behind it");
    }

    @Test
    void aBlockHoldsAVersionOnlyInTheEpochItWasLoadedIn() {
        assertFalse(block.holds(0, 0), "nothing loaded yet");
        block.version = 7;
        block.epoch = 2;
        assertTrue(block.holds(7, 2));
        assertTrue(block.holds(5, 2), "an older version is covered");
        assertFalse(block.holds(8, 2), "a newer version is not");
        assertFalse(block.holds(1, 3), "another epoch means memories were removed: reload");
    }
}
