package ai.prometheus.sandbox.egress;

import ai.prometheus.shared.sandbox.EgressConnection;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The egress proxy: an HTTP forward proxy (CONNECT tunnels, and plain HTTP requests in absolute
 * form) on the service's loopback, reached by each run through the Unix socket of its
 * {@link RunEgress}. For every connection it checks the run's policy (host and port), resolves the
 * name itself and refuses non-public addresses unless the operator allowed that exact host and
 * port, connects to the address it checked (so a second, different DNS answer cannot slip in),
 * counts bytes and connections against the run's limits and records the connection on the run.
 *
 * <p>Longer than most classes here: the check, the resolution and the connect form one
 * time-of-check/time-of-use argument, kept in one place to be read as a whole.
 */
@ApplicationScoped
public class EgressProxy {

    private static final Logger LOG = Logger.getLogger(EgressProxy.class);
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-authenticate",
            "proxy-authorization",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "host");

    private final Vertx vertx;
    private final EgressConfig config;
    private final NetworkPolicy privateAllow;
    private final Map<Integer, RunEgress> runsByRelayPort = new ConcurrentHashMap<>();
    private final AtomicInteger socketCounter = new AtomicInteger();
    private ExecutorService relayThreads;
    private HttpServer server;
    private NetClient tunnels;
    private HttpClient forwards;
    private volatile InetSocketAddress address;

    public EgressProxy(Vertx vertx, EgressConfig config) {
        this.vertx = vertx;
        this.config = config;
        List<String> allowed = config.privateAllow().orElse(List.of()).stream()
                .map(String::strip)
                .filter(entry -> !entry.isEmpty())
                .toList();
        NetworkPolicy parsed = new NetworkPolicy(allowed);
        List<NetworkPolicy.Violation> violations = parsed.violations();
        if (!violations.isEmpty() || parsed.rules().stream().anyMatch(NetworkPolicy.Rule::wildcard)) {
            throw new IllegalArgumentException("sandbox.egress.private-allow takes exact host:port entries: "
                    + (violations.isEmpty()
                            ? "no wildcards"
                            : allowed.get(violations.get(0).index()) + ": "
                                    + violations.get(0).reason()));
        }
        this.privateAllow = parsed;
    }

    void start(@Observes StartupEvent startup) throws Exception {
        relayThreads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "sandbox-egress-relay");
            thread.setDaemon(true);
            return thread;
        });
        int connectTimeout = (int) config.connectTimeout().toMillis();
        tunnels = vertx.createNetClient(new NetClientOptions().setConnectTimeout(connectTimeout));
        forwards = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(false)
                .setConnectTimeout(connectTimeout)
                .setMaxInitialLineLength(8192));
        server = vertx.createHttpServer(
                        new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(this::handle);
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.actualPort());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (server != null) {
            server.close();
        }
        if (relayThreads != null) {
            relayThreads.shutdownNow();
        }
    }

    /**
     * Opens the way out for one run: a Unix socket in {@code directory}, owned by the sandbox's
     * {@code uid} when {@code chown} (the service runs as root).
     */
    public RunEgress open(EgressGrant grant, Path parent, int uid, boolean chown) throws IOException {
        Path directory = parent.resolve("run-" + uid + "-" + socketCounter.incrementAndGet());
        return new RunEgress(grant, directory, uid, chown, this, relayThreads);
    }

    InetSocketAddress address() {
        return address;
    }

    void register(int relayPort, RunEgress run) {
        runsByRelayPort.put(relayPort, run);
    }

    void unregister(int relayPort, RunEgress run) {
        runsByRelayPort.remove(relayPort, run);
    }

    private void handle(HttpServerRequest request) {
        RunEgress run = request.remoteAddress() != null
                        && "127.0.0.1".equals(request.remoteAddress().hostAddress())
                ? runsByRelayPort.get(request.remoteAddress().port())
                : null;
        if (run == null) {
            // Not a sandbox's relay: someone else on this host found the port.
            request.response()
                    .setStatusCode(403)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end("egress denied: not a sandbox connection\n");
            return;
        }
        request.pause();
        long started = System.nanoTime();
        Optional<Target> target = request.method() == HttpMethod.CONNECT
                ? Target.ofAuthority(request.uri())
                : Target.ofAbsolute(request.uri());
        if (target.isEmpty()) {
            String reason = request.method() == HttpMethod.CONNECT
                    ? "CONNECT needs host:port"
                    : request.uri().regionMatches(true, 0, "https://", 0, 8)
                            ? "https:// URLs go through CONNECT (set HTTPS_PROXY)"
                            : "the proxy takes CONNECT host:port or an absolute http:// URL";
            refuse(request, 400, "egress refused: " + reason, null, 0, null, run, started);
            return;
        }
        Target to = target.get();
        if (!run.admitConnection()) {
            refuse(
                    request,
                    403,
                    "egress denied: " + run.limitExceeded().orElse("egress limit exceeded"),
                    to,
                    0,
                    null,
                    run,
                    started);
            return;
        }
        if (run.grant().policy().match(to.host(), to.port()).isEmpty()) {
            refuse(
                    request,
                    403,
                    "egress denied: " + to.display() + " is not in this tool's network policy",
                    to,
                    0,
                    null,
                    run,
                    started);
            return;
        }
        resolve(to).onComplete(resolved -> {
            if (resolved.failed()) {
                refuse(
                        request,
                        502,
                        "egress failed: " + to.display() + " could not be resolved",
                        to,
                        0,
                        null,
                        run,
                        started);
                return;
            }
            Resolution resolution = resolved.result();
            if (resolution.refusal() != null) {
                refuse(
                        request,
                        403,
                        "egress denied: " + to.display() + " resolves to " + resolution.refusal(),
                        to,
                        0,
                        resolution.address(),
                        run,
                        started);
                return;
            }
            if (request.method() == HttpMethod.CONNECT) {
                tunnel(request, to, resolution.address(), run, started);
            } else {
                forward(request, to, resolution.address(), run, started);
            }
        });
    }

    /** The address to connect to, checked; or why none may be used. */
    private record Resolution(String address, String refusal) {}

    private Future<Resolution> resolve(Target to) {
        boolean privateAllowed = privateAllow.match(to.host(), to.port()).isPresent();
        String pinned = config.hosts().get(to.host());
        return vertx.executeBlocking(
                () -> {
                    InetAddress[] candidates = pinned != null
                            ? new InetAddress[] {InetAddress.getByName(pinned)}
                            : InetAddress.getAllByName(to.host());
                    String refusal = null;
                    for (InetAddress candidate : candidates) {
                        Optional<String> nonPublic = AddressGuard.nonPublic(candidate);
                        if (nonPublic.isEmpty() || privateAllowed) {
                            return new Resolution(candidate.getHostAddress(), null);
                        }
                        refusal = refusal != null
                                ? refusal
                                : nonPublic.get() + " (" + candidate.getHostAddress() + "), which"
                                        + " only the operator can allow (sandbox.egress.private-allow)";
                    }
                    return new Resolution(candidates[0].getHostAddress(), refusal);
                },
                false);
    }

    private void tunnel(HttpServerRequest request, Target to, String ip, RunEgress run, long started) {
        tunnels.connect(to.port(), ip).onComplete(connected -> {
            if (connected.failed()) {
                refuse(
                        request,
                        502,
                        "egress failed: could not connect to " + to.display() + ": "
                                + connected.cause().getMessage(),
                        to,
                        0,
                        ip,
                        run,
                        started);
                return;
            }
            NetSocket upstream = connected.result();
            request.toNetSocket().onComplete(accepted -> {
                if (accepted.failed()) {
                    upstream.close();
                    return;
                }
                NetSocket client = accepted.result();
                Transfer transfer = new Transfer(run, to, ip, started);
                // Cutting a tunnel (a limit, the run's end) closes both sides and records it.
                run.track(() -> {
                    upstream.close();
                    client.close();
                    transfer.finish();
                });
                copy(client, upstream, run, transfer, true);
                copy(upstream, client, run, transfer, false);
                client.closeHandler(v -> {
                    upstream.close();
                    transfer.finish();
                });
                upstream.closeHandler(v -> {
                    client.close();
                    transfer.finish();
                });
            });
        });
    }

    /** A plain HTTP request in absolute form, sent on to the host it names (never to its Host header). */
    private void forward(HttpServerRequest request, Target to, String ip, RunEgress run, long started) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        request.headers().forEach(header -> {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(header.getKey(), header.getValue());
            }
        });
        headers.set(HttpHeaders.HOST, to.authority());
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(ip)
                .setPort(to.port())
                .setURI(to.pathAndQuery())
                .setHeaders(headers);
        Transfer transfer = new Transfer(run, to, ip, started);
        forwards.request(options).onComplete(created -> {
            if (created.failed()) {
                transfer.fail();
                refuse(
                        request,
                        502,
                        "egress failed: could not connect to " + to.display() + ": "
                                + created.cause().getMessage(),
                        to,
                        0,
                        ip,
                        run,
                        started);
                return;
            }
            HttpClientRequest outgoing = created.result();
            String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length == null && request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
                outgoing.setChunked(true);
            }
            run.track(() -> {
                outgoing.connection().close();
                transfer.finish();
            });
            long head = headSize(request.method().name() + " " + to.pathAndQuery() + " HTTP/1.1", headers);
            if (!run.count(head)) {
                return;
            }
            transfer.up(head);
            outgoing.response().onComplete(answered -> {
                if (answered.failed()) {
                    transfer.finish();
                    if (!request.response().headWritten()) {
                        request.response()
                                .setStatusCode(502)
                                .end("egress failed: " + to.display() + ": "
                                        + answered.cause().getMessage() + "\n");
                    }
                    return;
                }
                relayResponse(request, answered.result(), run, transfer);
            });
            request.handler(chunk -> {
                if (run.count(chunk.length())) {
                    transfer.up(chunk.length());
                    outgoing.write(chunk);
                }
            });
            request.endHandler(v -> outgoing.end());
            request.resume();
        });
    }

    private void relayResponse(
            HttpServerRequest request, HttpClientResponse response, RunEgress run, Transfer transfer) {
        var answer = request.response().setStatusCode(response.statusCode()).setStatusMessage(response.statusMessage());
        response.headers().forEach(header -> {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                answer.headers().add(header.getKey(), header.getValue());
            }
        });
        if (response.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
            answer.setChunked(true);
        }
        long head = headSize("HTTP/1.1 " + response.statusCode() + " " + response.statusMessage(), response.headers());
        if (!run.count(head)) {
            return;
        }
        transfer.down(head);
        response.handler(chunk -> {
            if (run.count(chunk.length())) {
                transfer.down(chunk.length());
                answer.write(chunk);
            }
        });
        response.endHandler(v -> {
            answer.end();
            transfer.finish();
        });
        response.exceptionHandler(e -> {
            request.connection().close();
            transfer.finish();
        });
    }

    /** The bytes of a head as sent (first line and headers): what a forwarded request moves besides its body. */
    private static long headSize(String firstLine, MultiMap headers) {
        long size = firstLine.length() + 4;
        for (Map.Entry<String, String> header : headers) {
            size += header.getKey().length() + header.getValue().length() + 4;
        }
        return size;
    }

    /** Copies one direction of a tunnel, counting it; the run's limit cuts the tunnel. */
    private static void copy(
            ReadStream<Buffer> from, WriteStream<Buffer> to, RunEgress run, Transfer transfer, boolean up) {
        from.handler(chunk -> {
            if (!run.count(chunk.length())) {
                return;
            }
            if (up) {
                transfer.up(chunk.length());
            } else {
                transfer.down(chunk.length());
            }
            to.write(chunk);
            if (to.writeQueueFull()) {
                from.pause();
                to.drainHandler(v -> from.resume());
            }
        });
    }

    private void refuse(
            HttpServerRequest request,
            int status,
            String message,
            Target to,
            long bytes,
            String ip,
            RunEgress run,
            long started) {
        if (to != null) {
            run.record(new EgressConnection(
                    to.host(),
                    to.port(),
                    ip,
                    false,
                    message.replaceFirst("^egress \\w+: ", ""),
                    0,
                    bytes,
                    (System.nanoTime() - started) / 1_000_000));
        }
        LOG.debugf("%s", message);
        request.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end(message + "\n");
        request.resume();
    }

    /** One allowed connection's counters; recorded once, when it ends. */
    private static final class Transfer {
        private final RunEgress run;
        private final Target to;
        private final String ip;
        private final long started;
        private long up;
        private long down;
        private boolean finished;

        Transfer(RunEgress run, Target to, String ip, long started) {
            this.run = run;
            this.to = to;
            this.ip = ip;
            this.started = started;
        }

        synchronized void up(long bytes) {
            up += bytes;
        }

        synchronized void down(long bytes) {
            down += bytes;
        }

        void fail() {
            finished = true;
        }

        synchronized void finish() {
            if (finished) {
                return;
            }
            finished = true;
            String reason = run.limitExceeded().map(limit -> "cut: " + limit).orElse(null);
            run.record(new EgressConnection(
                    to.host(), to.port(), ip, true, reason, up, down, (System.nanoTime() - started) / 1_000_000));
        }
    }

    /** Where a request wants to go: a host as asked (lower case, brackets removed) and a port. */
    record Target(String host, int port, String pathAndQuery) {

        static Optional<Target> ofAuthority(String authority) {
            if (authority == null) {
                return Optional.empty();
            }
            try {
                URI uri = new URI("tcp://" + authority);
                if (uri.getHost() == null
                        || uri.getPort() < 1
                        || uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                        || uri.getRawUserInfo() != null
                        || uri.getRawQuery() != null) {
                    return Optional.empty();
                }
                return Optional.of(new Target(normalize(uri.getHost()), uri.getPort(), null));
            } catch (URISyntaxException e) {
                return Optional.empty();
            }
        }

        static Optional<Target> ofAbsolute(String requestTarget) {
            if (requestTarget == null || !requestTarget.regionMatches(true, 0, "http://", 0, 7)) {
                return Optional.empty();
            }
            try {
                URI uri = new URI(requestTarget);
                if (uri.getHost() == null || uri.getRawUserInfo() != null) {
                    return Optional.empty();
                }
                int port = uri.getPort() == -1 ? 80 : uri.getPort();
                String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
                return Optional.of(new Target(normalize(uri.getHost()), port, path));
            } catch (URISyntaxException e) {
                return Optional.empty();
            }
        }

        private static String normalize(String host) {
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            bare = bare.toLowerCase(Locale.ROOT);
            return bare.endsWith(".") ? bare.substring(0, bare.length() - 1) : bare;
        }

        String authority() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }

        String display() {
            return authority();
        }
    }
}
