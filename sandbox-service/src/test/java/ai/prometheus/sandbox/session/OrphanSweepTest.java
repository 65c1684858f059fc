package ai.prometheus.sandbox.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A workspace is made before its session's row commits: the cleanup must not take a workspace
 * that is being created for an orphan, only one that has stayed without a row.
 */
@QuarkusTest
class OrphanSweepTest {

    @Inject
    SessionService sessions;

    @Inject
    SessionStorage storage;

    @Inject
    io.vertx.core.Vertx vertx;

    /** Runs the cleanup as its schedule does: on a Vert.x context where reactive sessions may live. */
    private void sweep() throws Exception {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        io.vertx.core.Context context =
                io.smallrye.common.vertx.VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(
                ignored -> sessions.removeExpired().subscribe().with(done::complete, done::completeExceptionally));
        done.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void aWorkspaceWhoseRowIsNotCommittedYetSurvivesTheCleanupAndAnOldOrphanDoesNot() throws Exception {
        UUID creating = UUID.randomUUID();
        storage.create(creating, 1024 * 1024);
        sweep();
        assertTrue(storage.exists(creating), "a workspace made a moment ago was taken for an orphan");

        // The same workspace, long after: its session never committed, so it is an orphan.
        FileTime longAgo =
                FileTime.from(Instant.now().minus(SessionService.ORPHAN_GRACE).minusSeconds(60));
        for (Path path : Files.list(storage.workspace(creating).getParent())
                .filter(p -> p.getFileName().toString().startsWith(creating.toString()))
                .toList()) {
            Files.getFileAttributeView(
                            path, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(longAgo, null, null);
        }
        sweep();
        assertFalse(storage.exists(creating), "an orphan workspace was left");
        assertFalse(storage.workspaces().contains(creating), "its reservation was left");
    }
}
