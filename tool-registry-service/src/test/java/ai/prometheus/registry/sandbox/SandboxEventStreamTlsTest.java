package ai.prometheus.registry.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.tls.BaseTlsConfiguration;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyStoreOptions;
import io.vertx.core.net.SSLOptions;
import io.vertx.core.net.TrustOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event stream to an {@code https} sandbox takes the REST client's TLS settings for it: a
 * sandbox whose certificate a private CA signed (here: self-signed, made by keytool for this run)
 * is reached with the configured trust store and refused without it, and the host check, trust-all,
 * a client key store and a named TLS configuration (with its reloads) apply as they do to the REST
 * client. The sandbox is a Vert.x HTTPS server answering {@code POST /api/v1/executions} with a
 * final event.
 */
class SandboxEventStreamTlsTest {

    private static final String PASSWORD = "changeit";
    private static final String CLIENT = "quarkus.rest-client.sandbox.";

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static Path trustStore;
    private static Path clientKeyStore;
    private static Sandbox named;
    private static Sandbox misnamed;
    private static Sandbox askingForACertificate;

    @BeforeAll
    static void sandboxes() throws Exception {
        vertx = Vertx.vertx();
        Path server = keyPair("sandbox", "ip:127.0.0.1");
        Path elsewhere = keyPair("elsewhere", "dns:elsewhere.invalid");
        clientKeyStore = keyPair("registry", "dns:registry.invalid");
        trustStore = trustStoreOf(server, elsewhere, clientKeyStore);
        named = Sandbox.start(server, null);
        misnamed = Sandbox.start(elsewhere, null);
        askingForACertificate = Sandbox.start(server, trustStore);
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void theSandboxsPrivateCaIsTrustedThroughTheRestClientsTrustStoreAndRefusedWithoutIt() {
        int before = named.calls.get();
        assertEquals("result", follow(named, trusting()).name());
        assertEquals(before + 1, named.calls.get());

        assertHandshakeRefused(() -> follow(named, Map.of()));
        assertEquals(before + 1, named.calls.get(), "the refused call never reached the sandbox");

        // The settings every REST client shares count too.
        Map<String, String> shared = Map.of(
                "quarkus.rest-client.trust-store",
                trustStore.toString(),
                "quarkus.rest-client.trust-store-password",
                PASSWORD,
                "quarkus.rest-client.trust-store-type",
                "PKCS12");
        assertEquals("result", follow(named, shared).name());
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnlessVerifyHostIsOff() {
        int before = misnamed.calls.get();
        assertHandshakeRefused(() -> follow(misnamed, trusting()));
        assertEquals(before, misnamed.calls.get());

        Map<String, String> unverified = trusting();
        unverified.put(CLIENT + "verify-host", "false");
        assertEquals("result", follow(misnamed, unverified).name());
    }

    @Test
    void theSandboxsSettingsMayBeWrittenWithAQuotedKeyAsForTheRestClient() {
        String quoted = "quarkus.rest-client.\"sandbox\".";
        Map<String, String> settings = new HashMap<>(Map.of(
                quoted + "url",
                "https://127.0.0.1:" + named.server.actualPort(),
                quoted + "trust-store",
                trustStore.toString(),
                quoted + "trust-store-password",
                PASSWORD,
                quoted + "trust-store-type",
                "PKCS12"));
        // Plain and quoted keys for the same setting: the higher ordinal wins, here the quoted one.
        var config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(settings, "test", 500))
                .withSources(new PropertiesConfigSource(Map.of(CLIENT + "url", "https://127.0.0.1:1"), "defaults", 100))
                .build();
        SandboxEventStream stream = new SandboxEventStream(vertx, new ObjectMapper(), config, null);
        try {
            int before = named.calls.get();
            assertEquals("result", follow(stream).name());
            assertEquals(before + 1, named.calls.get());
        } finally {
            stream.close();
        }
    }

    @Test
    void aSandboxWithoutAnAddressIsRefusedAtStartNamingTheSetting() {
        IllegalStateException refused = assertThrows(
                IllegalStateException.class,
                () -> new SandboxEventStream(vertx, new ObjectMapper(), config(Map.of()), null));
        assertTrue(refused.getMessage().contains("quarkus.rest-client.sandbox.url"), refused.getMessage());
    }

    @Test
    void trustAllTakesAnyCertificate() {
        assertEquals(
                "result",
                follow(misnamed, Map.of("quarkus.tls.trust-all", "true")).name());
    }

    @Test
    void theKeyStoreIsPresentedToASandboxThatAsksForACertificate() {
        int before = askingForACertificate.calls.get();
        assertThrows(SandboxFailure.class, () -> follow(askingForACertificate, trusting()));
        assertEquals(before, askingForACertificate.calls.get(), "no request without a client certificate");

        Map<String, String> presenting = trusting();
        presenting.put(CLIENT + "key-store", "file:" + clientKeyStore);
        presenting.put(CLIENT + "key-store-password", PASSWORD);
        presenting.put(CLIENT + "key-store-type", "PKCS12");
        assertEquals("result", follow(askingForACertificate, presenting).name());
    }

    @Test
    void aNamedTlsConfigurationOfTheRegistryIsUsedInsteadOfTheProperties() {
        Map<String, String> byName = trusting();
        byName.put(CLIENT + "tls-configuration-name", "sandbox-ca");
        assertEquals(
                "result",
                follow(named, byName, registry(trustingConfiguration())).name());
        // The named configuration alone counts: the trust store of the properties is not used.
        assertHandshakeRefused(() -> follow(named, byName, registry(new BaseTlsConfiguration() {})));

        byName.put(CLIENT + "tls-configuration-name", "unknown");
        assertThrows(IllegalStateException.class, () -> follow(named, byName, registry(trustingConfiguration())));
    }

    @Test
    void certificatesTheRegistryReloadsReachTheOpenPool() {
        TlsConfiguration untrusting = new BaseTlsConfiguration() {};
        SandboxEventStream stream =
                stream(named, Map.of(CLIENT + "tls-configuration-name", "sandbox-ca"), registry(untrusting));
        try {
            assertHandshakeRefused(() -> follow(stream));
            // Another configuration's reload changes nothing.
            assertEquals(false, await(stream.reload(new CertificateUpdatedEvent("other", trustingConfiguration()))));
            assertHandshakeRefused(() -> follow(stream));

            assertEquals(
                    true, await(stream.reload(new CertificateUpdatedEvent("sandbox-ca", trustingConfiguration()))));
            assertEquals("result", follow(stream).name());
        } finally {
            stream.close();
        }
    }

    /** A configuration of the TLS registry that trusts the trust store, as the registry would build it. */
    private static TlsConfiguration trustingConfiguration() {
        KeyStoreOptions trust = new KeyStoreOptions()
                .setType("PKCS12")
                .setPath(trustStore.toString())
                .setPassword(PASSWORD);
        return new BaseTlsConfiguration() {
            @Override
            public TrustOptions getTrustStoreOptions() {
                return trust;
            }

            @Override
            public SSLOptions getSSLOptions() {
                return new SSLOptions().setTrustOptions(trust);
            }
        };
    }

    /** A registry holding {@code configuration} as "sandbox-ca". */
    private static TlsConfigurationRegistry registry(TlsConfiguration configuration) {
        return new TlsConfigurationRegistry() {
            @Override
            public Optional<TlsConfiguration> get(String name) {
                return "sandbox-ca".equals(name) ? Optional.of(configuration) : Optional.empty();
            }

            @Override
            public Optional<TlsConfiguration> getDefault() {
                return Optional.empty();
            }

            @Override
            public void register(String name, TlsConfiguration tls) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static Map<String, String> trusting() {
        return new HashMap<>(Map.of(
                CLIENT + "trust-store",
                trustStore.toString(),
                CLIENT + "trust-store-password",
                PASSWORD,
                CLIENT + "trust-store-type",
                "PKCS12"));
    }

    private static ServerSentEvents.Event follow(Sandbox sandbox, Map<String, String> settings) {
        return follow(sandbox, settings, null);
    }

    private static ServerSentEvents.Event follow(
            Sandbox sandbox, Map<String, String> settings, TlsConfigurationRegistry registry) {
        SandboxEventStream stream = stream(sandbox, settings, registry);
        try {
            return follow(stream);
        } finally {
            stream.close();
        }
    }

    /** The event stream to {@code sandbox}, configured by {@code settings} alone. */
    private static SandboxEventStream stream(
            Sandbox sandbox, Map<String, String> settings, TlsConfigurationRegistry registry) {
        Map<String, String> all = new HashMap<>(settings);
        all.putIfAbsent(CLIENT + "url", "https://127.0.0.1:" + sandbox.server.actualPort());
        all.putIfAbsent(CLIENT + "connection-pool-size", "2");
        return new SandboxEventStream(vertx, new ObjectMapper(), config(all), registry);
    }

    private static Config config(Map<String, String> settings) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(settings, "test", 500))
                .build();
    }

    private static ServerSentEvents.Event follow(SandboxEventStream stream) {
        return stream.follow("Bearer test", null, null, "{}".getBytes(StandardCharsets.UTF_8), event -> {})
                .await()
                .atMost(Duration.ofSeconds(20));
    }

    private static <T> T await(Future<T> future) {
        return future.toCompletionStage().toCompletableFuture().join();
    }

    private static void assertHandshakeRefused(Runnable call) {
        SandboxFailure failure = assertThrows(SandboxFailure.class, call::run);
        assertEquals(SandboxFailure.Kind.UNAVAILABLE, failure.kind());
        boolean handshake = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            handshake |= cause instanceof SSLHandshakeException;
        }
        assertTrue(handshake, "refused in the TLS handshake: " + failure.getCause());
    }

    /** A PKCS12 key store with a fresh self-signed key pair for {@code subjectAltName}, made by keytool. */
    private static Path keyPair(String alias, String subjectAltName) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        alias,
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=" + alias,
                        "-ext",
                        "SAN=" + subjectAltName,
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        PASSWORD,
                        "-keypass",
                        PASSWORD)
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, output);
        return store;
    }

    /** A PKCS12 trust store holding the certificates of {@code keyStores}. */
    private static Path trustStoreOf(Path... keyStores) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (Path path : keyStores) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(path)) {
                keys.load(in, PASSWORD.toCharArray());
            }
            String alias = keys.aliases().nextElement();
            trusted.setCertificateEntry(alias, keys.getCertificate(alias));
        }
        Path store = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            trusted.store(out, PASSWORD.toCharArray());
        }
        return store;
    }

    /** The sandbox's event-stream endpoint over TLS, counting the requests that reached it. */
    private record Sandbox(HttpServer server, AtomicInteger calls) {

        static Sandbox start(Path keyStore, Path clientTrust) {
            HttpServerOptions options = new HttpServerOptions()
                    .setSsl(true)
                    .setKeyCertOptions(new KeyStoreOptions()
                            .setType("PKCS12")
                            .setPath(keyStore.toString())
                            .setPassword(PASSWORD));
            if (clientTrust != null) {
                options.setClientAuth(ClientAuth.REQUIRED)
                        .setTrustOptions(new KeyStoreOptions()
                                .setType("PKCS12")
                                .setPath(clientTrust.toString())
                                .setPassword(PASSWORD));
            }
            AtomicInteger calls = new AtomicInteger();
            HttpServer server = vertx.createHttpServer(options)
                    .requestHandler(request -> request.body().onSuccess(body -> {
                        calls.incrementAndGet();
                        request.response()
                                .putHeader("Content-Type", "text/event-stream")
                                .end(String.join("\n", List.of("event: result", "data: {\"status\":\"OK\"}", "", "")));
                    }));
            server.listen(0, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .join();
            return new Sandbox(server, calls);
        }
    }
}
