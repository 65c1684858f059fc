package ai.prometheus.sandbox.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sandbox services on one host (parallel checkouts, replicas with their own state volumes)
 * must never run sandboxes as the same uids: each kills every process of its block at start.
 */
class UidClaimTest {

    @TempDir
    Path dir;

    @Test
    void instancesWithDifferentStateDirectoriesClaimDifferentBlocks() throws Exception {
        Path hostWide = dir.resolve("host-locks");
        try (UidBlock first = HostDetection.claimUids(hostWide, dir.resolve("state-a"), 100_000, 64, 4);
                UidBlock second = HostDetection.claimUids(hostWide, dir.resolve("state-b"), 100_000, 64, 4)) {
            assertNotEquals(first.index(), second.index());
            assertFalse(second.contains(first.first()), "the second instance runs as the first one's uids");
        }
    }

    @Test
    void aHostWithoutAWritableLockDirectoryFallsBackToTheStateDirectory() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");
        Path state = dir.resolve("state");
        try (UidBlock block = HostDetection.claimUids(notADirectory.resolve("locks"), state, 100_000, 64, 4)) {
            assertEquals(0, block.index());
            assertTrue(Files.exists(state.resolve("locks").resolve("uid-block-0.lock")));
        }
    }
}
