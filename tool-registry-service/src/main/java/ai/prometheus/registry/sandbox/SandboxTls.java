package ai.prometheus.registry.sandbox;

import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.KeyStoreOptions;
import io.vertx.core.net.SSLOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The REST client's TLS settings for the sandbox applied to a Vert.x HTTP client, so that
 * {@link SandboxEventStream} trusts (and presents) what {@link SandboxApi} does. They are read as
 * Quarkus 3.33's REST client reads them ({@link SandboxClientSettings}): a named configuration of
 * the TLS registry ({@code quarkus.rest-client.sandbox.tls-configuration-name}) wins; otherwise the
 * trust store, key store and {@code verify-host} of {@code quarkus.rest-client.sandbox.*}, else of
 * {@code quarkus.rest-client.*} (all clients), and {@code quarkus.tls.trust-all}. A
 * {@code hostname-verifier} class has no Vert.x equivalent and is not carried over. A named
 * configuration's reloaded certificates reach the event stream's pool as they reach the REST
 * client's ({@link SandboxEventStream#certificateUpdated}).
 */
final class SandboxTls {

    private static final String CLIENT = SandboxClientSettings.PREFIX;

    private SandboxTls() {}

    /** The TLS registry's configuration the sandbox's REST client uses, if one is named. */
    static Optional<String> configurationName(SandboxClientSettings config) {
        return config.get("tls-configuration-name");
    }

    /** {@code options} with the sandbox's TLS settings from {@code config} (and {@code registry}, if named there). */
    static HttpClientOptions apply(
            HttpClientOptions options, SandboxClientSettings config, TlsConfigurationRegistry registry) {
        Optional<String> name = configurationName(config);
        if (name.isPresent()) {
            TlsConfiguration named = registry.get(name.get())
                    .orElseThrow(() -> new IllegalStateException("No TLS configuration named '" + name.get()
                            + "' for the sandbox (" + CLIENT + "tls-configuration-name)"));
            return fromRegistry(options, named);
        }
        store(config, "trust-store").ifPresent(path -> options.setTrustOptions(keyStore(config, "trust-store", path)));
        store(config, "key-store").ifPresent(path -> options.setKeyCertOptions(keyStore(config, "key-store", path)));
        config.get("verify-host").map(Boolean::parseBoolean).ifPresent(options::setVerifyHost);
        if (config.trustAll()) {
            options.setTrustAll(true).setVerifyHost(false);
        }
        return options;
    }

    /** As the REST client takes a named configuration (its trust, key, host check and TLS parameters). */
    private static HttpClientOptions fromRegistry(HttpClientOptions options, TlsConfiguration tls) {
        if (tls.getTrustStoreOptions() != null) {
            options.setTrustOptions(tls.getTrustStoreOptions());
        }
        if (tls.getKeyStoreOptions() != null) {
            options.setKeyCertOptions(tls.getKeyStoreOptions());
        }
        options.setTrustAll(tls.isTrustAll());
        tls.getHostnameVerificationAlgorithm().ifPresent(algorithm -> options.setVerifyHost(!"NONE".equals(algorithm)));
        SSLOptions ssl = tls.getSSLOptions();
        if (ssl != null) {
            options.setSslHandshakeTimeout(ssl.getSslHandshakeTimeout())
                    .setSslHandshakeTimeoutUnit(ssl.getSslHandshakeTimeoutUnit())
                    .setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols());
            ssl.getEnabledCipherSuites().forEach(options::addEnabledCipherSuite);
            ssl.getCrlValues().forEach(options::addCrlValue);
        }
        return options;
    }

    /** A store's location; blank or {@code none} means none, as for the REST client. */
    private static Optional<String> store(SandboxClientSettings config, String key) {
        return config.get(key).filter(path -> !path.isBlank() && !"none".equals(path));
    }

    /** The store at {@code path} ({@code classpath:} or {@code file:} or a file), typed JKS unless set, with its password. */
    private static KeyStoreOptions keyStore(SandboxClientSettings config, String key, String path) {
        String password = config.get(key + "-password")
                .orElseThrow(() -> new IllegalArgumentException("No password for " + CLIENT + key));
        return new KeyStoreOptions()
                .setType(config.get(key + "-type").orElse("JKS"))
                .setPassword(password)
                .setValue(Buffer.buffer(read(path)));
    }

    private static byte[] read(String path) {
        try {
            if (path.startsWith("classpath:")) {
                String resource = path.substring("classpath:".length()).replaceFirst("^/", "");
                try (InputStream in =
                        Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalArgumentException("No resource " + path + " on the class path");
                    }
                    return in.readAllBytes();
                }
            }
            return Files.readAllBytes(Path.of(path.startsWith("file:") ? path.substring("file:".length()) : path));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the store " + path, e);
        }
    }
}
