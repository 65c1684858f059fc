package ai.prometheus.sandbox.host;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The host uids this replica runs sandboxes as. Every live sandbox holds a uid of its own, so the
 * per-uid process limit counts exactly one sandbox and no two sandboxes share an owner. Replicas on
 * one host claim different blocks of the range with a file lock that the kernel releases when the
 * replica dies, so a crashed replica's block is reclaimed by the next one to start.
 */
public final class UidBlock implements AutoCloseable {

    private final int index;
    private final int first;
    private final int size;
    private final FileChannel channel;
    private final FileLock lock;
    private final BlockingQueue<Integer> free = new LinkedBlockingQueue<>();

    private UidBlock(int index, int first, int size, FileChannel channel, FileLock lock) {
        this.index = index;
        this.first = first;
        this.size = size;
        this.channel = channel;
        this.lock = lock;
        for (int uid = first; uid < first + size; uid++) {
            free.add(uid);
        }
    }

    /** Claims the first block no live replica holds. */
    public static UidBlock claim(Path lockDirectory, int base, int blockSize, int blocks) throws IOException {
        // Sandboxes must never run as root, and the last uid must fit a uid_t the kernel accepts.
        if (base < 1 || blockSize < 1 || blocks < 1 || (long) base + (long) blockSize * blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sandbox uids " + base + " + " + blocks + " blocks of " + blockSize
                    + " are out of range: the base must be at least 1 and the range end below 2^31");
        }
        Files.createDirectories(lockDirectory);
        for (int index = 0; index < blocks; index++) {
            Path lockFile = lockDirectory.resolve("uid-block-" + index + ".lock");
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock != null) {
                return new UidBlock(index, base + index * blockSize, blockSize, channel, lock);
            }
            channel.close();
        }
        throw new IOException(
                "all " + blocks + " sandbox uid blocks under " + lockDirectory + " are held by live replicas");
    }

    public int index() {
        return index;
    }

    public boolean contains(int uid) {
        return uid >= first && uid < first + size;
    }

    public int first() {
        return first;
    }

    public int size() {
        return size;
    }

    /** A free uid, waiting up to {@code timeoutMillis} for one to be returned. */
    public int take(long timeoutMillis) {
        try {
            Integer uid = free.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            if (uid == null) {
                throw new IllegalStateException(
                        "no free sandbox uid within " + timeoutMillis + " ms (block of " + size + ")");
            }
            return uid;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a sandbox uid", e);
        }
    }

    public void giveBack(int uid) {
        if (contains(uid) && !free.contains(uid)) {
            free.add(uid);
        }
    }

    public int available() {
        return free.size();
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
