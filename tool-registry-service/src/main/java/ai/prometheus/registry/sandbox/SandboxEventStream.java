package ai.prometheus.registry.sandbox;

import ai.prometheus.shared.platform.security.ServiceIdentity;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.stork.Stork;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * A run followed live: {@code POST /api/v1/executions} answered as server-sent events, read with
 * Vert.x's HTTP client. The REST client's event-stream reader (Quarkus 3.33) closes its connection
 * when the stream ends, so every synchronous invocation opened a TCP connection and a new HTTP
 * pipeline on both sides (measured: 223 connections in TIME-WAIT after 250 invocations); this
 * client's keep-alive pool serves run after run on the same connections. A call cancelled before
 * its final event resets its request, which closes the connection: the sandbox takes that as its
 * caller gone and stops the run. Address, timeouts, pool size and TLS ({@link SandboxTls}) are the
 * REST client's settings for the sandbox ({@code quarkus.rest-client.sandbox.*}, a {@code stork://}
 * URL included, plain or quoted keys: {@link SandboxClientSettings}), so one place configures both.
 */
@ApplicationScoped
class SandboxEventStream {

    static final String PATH = "/api/v1/executions";
    private static final Logger LOG = Logger.getLogger(SandboxEventStream.class);

    private final HttpClient client;
    private final Optional<String> tlsConfigurationName;
    private final URI url;
    private final long idleTimeoutMs;
    private final ObjectMapper json;

    @Inject
    SandboxEventStream(Vertx vertx, ObjectMapper json, Config config, TlsConfigurationRegistry tls) {
        this(vertx, json, new SandboxClientSettings(config), tls);
    }

    SandboxEventStream(Vertx vertx, ObjectMapper json, SandboxClientSettings settings, TlsConfigurationRegistry tls) {
        this.url = URI.create(settings.own("url")
                .orElseThrow(() -> new IllegalStateException(
                        "No address for the sandbox: set " + SandboxClientSettings.PREFIX + "url (SANDBOX_URL)")));
        // The defaults are the REST client's own.
        this.idleTimeoutMs = settings.number("read-timeout", 30_000);
        this.json = json;
        this.tlsConfigurationName = SandboxTls.configurationName(settings);
        this.client = vertx.createHttpClient(
                SandboxTls.apply(
                        new HttpClientOptions()
                                .setKeepAlive(true)
                                .setConnectTimeout(Math.toIntExact(settings.number("connect-timeout", 15_000))),
                        settings,
                        tls),
                new PoolOptions().setHttp1MaxSize(Math.toIntExact(settings.number("connection-pool-size", 50))));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** A certificate the TLS registry reloaded reaches this pool's new connections, as the REST client's. */
    void certificateUpdated(@Observes CertificateUpdatedEvent updated) {
        reload(updated)
                .onFailure(
                        error -> LOG.errorf(error, "Reloading the sandbox's certificates (%s) failed", updated.name()));
    }

    Future<Boolean> reload(CertificateUpdatedEvent updated) {
        if (!tlsConfigurationName.equals(Optional.of(updated.name()))) {
            return Future.succeededFuture(false);
        }
        return client.updateSSLOptions(updated.tlsConfiguration().getSSLOptions());
    }

    /**
     * Posts the run and hands each event before the final one to {@code live} (on an I/O thread);
     * ends with the final event ({@code result} or {@code error}), or null when the stream ended
     * without one. A refusal before the stream (an HTTP status) fails as that status means; no
     * answer at all fails as unreachable; a stream broken off fails as transient.
     */
    Uni<ServerSentEvents.Event> follow(
            String authorization,
            String onBehalfOf,
            String idempotencyKey,
            byte[] body,
            Consumer<ServerSentEvents.Event> live) {
        return address().chain(address -> {
            Call call = new Call(live);
            return Uni.createFrom()
                    .<ServerSentEvents.Event>emitter(emitter ->
                            call.start(emitter, request(address, authorization, onBehalfOf, idempotencyKey), body))
                    .onCancellation()
                    .invoke(call::cancel);
        });
    }

    private Uni<RequestOptions> address() {
        if ("stork".equals(url.getScheme())) {
            // Round robin over the replicas per call, as the REST client does with the same URL.
            return Stork.getInstance()
                    .getService(url.getHost())
                    .selectInstance()
                    .map(instance -> new RequestOptions()
                            .setHost(instance.getHost())
                            .setPort(instance.getPort())
                            .setSsl(instance.isSecure()));
        }
        boolean secure = "https".equals(url.getScheme());
        return Uni.createFrom()
                .item(() -> new RequestOptions()
                        .setHost(url.getHost())
                        .setPort(url.getPort() > 0 ? url.getPort() : secure ? 443 : 80)
                        .setSsl(secure));
    }

    private RequestOptions request(
            RequestOptions address, String authorization, String onBehalfOf, String idempotencyKey) {
        String base = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
        RequestOptions request = address.setMethod(HttpMethod.POST)
                .setURI(base + PATH)
                .setIdleTimeout(idleTimeoutMs)
                .putHeader(HttpHeaders.ACCEPT, "text/event-stream")
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.AUTHORIZATION, authorization);
        if (onBehalfOf != null) {
            request.putHeader(ServiceIdentity.ON_BEHALF_OF, onBehalfOf);
        }
        if (idempotencyKey != null) {
            request.putHeader("Idempotency-Key", idempotencyKey);
        }
        return request;
    }

    /** One attempt: its request once sent, and whether its caller cancelled it. */
    private final class Call {

        private final Consumer<ServerSentEvents.Event> live;
        private UniEmitter<? super ServerSentEvents.Event> emitter;
        private HttpClientRequest request;
        private volatile boolean cancelled;

        Call(Consumer<ServerSentEvents.Event> live) {
            this.live = live;
        }

        void start(UniEmitter<? super ServerSentEvents.Event> emitter, RequestOptions options, byte[] body) {
            this.emitter = emitter;
            client.request(options).onFailure(this::unreachable).onSuccess(sending -> {
                if (!attach(sending)) {
                    sending.reset();
                    return;
                }
                sending.send(Buffer.buffer(body)).onFailure(this::unreachable).onSuccess(this::answered);
            });
        }

        void cancel() {
            HttpClientRequest sent;
            synchronized (this) {
                cancelled = true;
                sent = request;
            }
            if (sent != null) {
                // On HTTP/1.1 a reset closes the connection, which is how the sandbox hears of it.
                sent.reset();
            }
        }

        private synchronized boolean attach(HttpClientRequest sending) {
            request = sending;
            return !cancelled;
        }

        private void answered(HttpClientResponse response) {
            String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
            if (response.statusCode() != 200 || type == null || !type.startsWith("text/event-stream")) {
                response.body()
                        .onFailure(this::unreachable)
                        .onSuccess(answer -> emitter.fail(refusal(response, answer)));
                return;
            }
            response.handler(new ServerSentEvents(this::event));
            response.exceptionHandler(error -> emitter.fail(new SandboxFailure.Transient(
                    SandboxFailure.Kind.FAILED, "the sandbox's event stream broke off", 1, error)));
            // Once the final event came this completes nothing; the connection goes back to the pool.
            response.endHandler(ended -> emitter.complete(null));
        }

        private void event(ServerSentEvents.Event event) {
            if (SandboxClient.RESULT.equals(event.name()) || SandboxClient.ERROR.equals(event.name())) {
                emitter.complete(event);
            } else if (!cancelled) {
                live.accept(event);
            }
        }

        private void unreachable(Throwable error) {
            emitter.fail(new SandboxFailure.Transient(
                    SandboxFailure.Kind.UNAVAILABLE, "the sandbox is unreachable", 1, error));
        }

        private SandboxFailure refusal(HttpClientResponse response, Buffer answer) {
            String text = answer.toString();
            String detail;
            try {
                detail = json.readTree(text).path("detail").asText(text);
            } catch (java.io.IOException | RuntimeException e) {
                detail = "HTTP " + response.statusCode();
            }
            return SandboxFailure.answered(response.statusCode(), response.getHeader("Retry-After"), detail, null);
        }
    }
}
