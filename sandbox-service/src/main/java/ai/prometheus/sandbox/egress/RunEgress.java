package ai.prometheus.sandbox.egress;

import ai.prometheus.shared.sandbox.EgressConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One run's way out: the Unix socket bound into its sandbox, relayed to the proxy's loopback port,
 * and what the run did there (connections, bytes, the first limit it broke). The proxy knows which
 * run a connection belongs to by the local port of the relay's connection, registered before it
 * connects. Closing it closes the socket and every connection of the run.
 */
public final class RunEgress implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RunEgress.class);
    /** The socket's name inside its directory, which the sandbox sees at {@code /run/egress}. */
    public static final String SOCKET_NAME = "proxy.sock";

    private final EgressGrant grant;
    private final Path directory;
    private final EgressProxy proxy;
    private final ExecutorService threads;
    private final ServerSocketChannel server;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<EgressConnection> records = new ArrayList<>();
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String limitExceeded;
    private volatile Runnable onLimit = () -> {};

    RunEgress(EgressGrant grant, Path directory, int uid, boolean chown, EgressProxy proxy, ExecutorService threads)
            throws IOException {
        this.grant = grant;
        this.directory = directory;
        this.proxy = proxy;
        this.threads = threads;
        Files.createDirectories(directory);
        // Searchable by the sandbox's uid (which connects), listable by nobody else.
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        Path socket = directory.resolve(SOCKET_NAME);
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        if (chown) {
            Files.setAttribute(socket, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(socket, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
        }
        threads.execute(this::accept);
    }

    /** The directory holding the socket, to be bound into the sandbox. */
    public Path directory() {
        return directory;
    }

    public EgressGrant grant() {
        return grant;
    }

    /** Called once when the run breaks an egress limit: the runtime kills the run. */
    public void onLimit(Runnable action) {
        this.onLimit = action;
        if (limitExceeded != null) {
            action.run();
        }
    }

    /** Why the run was cut, or empty when it stayed within its limits. */
    public Optional<String> limitExceeded() {
        return Optional.ofNullable(limitExceeded);
    }

    /** Every connection so far, in the order they were asked for. */
    public List<EgressConnection> connections() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** Counts a new connection; false (and the run is cut) when it is one too many. */
    boolean admitConnection() {
        int count = connections.incrementAndGet();
        if (count > grant.maxConnections()) {
            exceed("egress connection limit of " + grant.maxConnections() + " connections exceeded");
            return false;
        }
        return limitExceeded == null;
    }

    /** Counts bytes either way; false (and the run is cut) once the total passes the limit. */
    boolean count(long moved) {
        if (bytes.addAndGet(moved) > grant.maxBytes()) {
            exceed("egress byte limit of " + grant.maxBytes() + " bytes exceeded");
            return false;
        }
        return true;
    }

    /** How many connections the run asked for, each of which is recorded once it ends. */
    public int admittedConnections() {
        return Math.min(connections.get(), grant.maxConnections() + 1);
    }

    long bytes() {
        return bytes.get();
    }

    void record(EgressConnection connection) {
        synchronized (records) {
            records.add(connection);
        }
    }

    /** A connection to cut when the run breaks a limit or ends. */
    void track(AutoCloseable connection) {
        open.add(connection);
        if (limitExceeded != null || closed.get()) {
            closeQuietly(connection);
        }
    }

    void untrack(AutoCloseable connection) {
        open.remove(connection);
    }

    private void exceed(String reason) {
        synchronized (this) {
            if (limitExceeded != null) {
                return;
            }
            limitExceeded = reason;
        }
        open.forEach(RunEgress::closeQuietly);
        onLimit.run();
    }

    private void accept() {
        while (!closed.get()) {
            SocketChannel inside;
            try {
                inside = server.accept();
            } catch (IOException e) {
                return;
            }
            threads.execute(() -> relay(inside));
        }
    }

    /** Copies one connection from the sandbox to the proxy's loopback port and back. */
    private void relay(SocketChannel inside) {
        SocketChannel outside = null;
        Integer port = null;
        try {
            outside = SocketChannel.open(StandardProtocolFamily.INET);
            // Requests and answers are small writes: Nagle's algorithm would hold each for an ACK.
            outside.setOption(StandardSocketOptions.TCP_NODELAY, true);
            outside.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = ((InetSocketAddress) outside.getLocalAddress()).getPort();
            proxy.register(port, this);
            track(inside);
            track(outside);
            outside.connect(proxy.address());
            SocketChannel to = outside;
            var upstream = threads.submit(() -> pump(inside, to));
            pump(outside, inside);
            upstream.get();
        } catch (Exception e) {
            LOG.debugf("An egress relay ended: %s", e.getMessage());
        } finally {
            if (port != null) {
                proxy.unregister(port, this);
            }
            closeQuietly(inside);
            untrack(inside);
            if (outside != null) {
                closeQuietly(outside);
                untrack(outside);
            }
        }
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Closes the socket and every connection of the run; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(server);
        open.forEach(RunEgress::closeQuietly);
        try {
            Files.deleteIfExists(directory.resolve(SOCKET_NAME));
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            LOG.debugf("Could not remove %s: %s", directory, e.getMessage());
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
