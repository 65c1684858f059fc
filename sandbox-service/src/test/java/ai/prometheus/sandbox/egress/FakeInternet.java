package ai.prometheus.sandbox.egress;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The outside world for egress tests: a JSON API on loopback over plain HTTP, on a second port,
 * and over TLS with a self-signed certificate (made with openssl for {@value #HOST} and
 * {@value #OTHER_HOST}). The proxy resolves the test names to 127.0.0.1 (sandbox.egress.hosts)
 * and may reach loopback only for the exact host:port pairs listed here
 * (sandbox.egress.private-allow), as an operator would allow a company API.
 */
public class FakeInternet implements QuarkusTestResourceLifecycleManager {

    public static final String HOST = "api.fake.test";
    public static final String OTHER_HOST = "other.fake.test";
    /** In tool policies, never in private-allow: a name that resolves to loopback (DNS rebinding). */
    public static final String REBINDING_HOST = "rebind.fake.test";

    /** Where the tests find the servers (the resource and the tests may not share a class loader). */
    public static final String HTTP_PORT = "fake-internet.http-port";

    public static final String OTHER_PORT = "fake-internet.other-port";
    public static final String HTTPS_PORT = "fake-internet.https-port";
    /** The self-signed certificate's file, which test programs trust explicitly. */
    public static final String CERTIFICATE = "fake-internet.certificate";

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        try {
            Path directory = Files.createTempDirectory("fake-internet");
            Path key = directory.resolve("key.pem");
            Path cert = directory.resolve("cert.pem");
            Process openssl = new ProcessBuilder(
                            "openssl",
                            "req",
                            "-x509",
                            "-newkey",
                            "rsa:2048",
                            "-nodes",
                            "-keyout",
                            key.toString(),
                            "-out",
                            cert.toString(),
                            "-days",
                            "2",
                            "-subj",
                            "/CN=" + HOST,
                            "-addext",
                            "subjectAltName=DNS:" + HOST + ",DNS:" + OTHER_HOST + ",IP:127.0.0.1")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!openssl.waitFor(60, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
                throw new IllegalStateException("openssl failed: " + output);
            }
            vertx = Vertx.vertx();
            int httpPort = listen(new HttpServerOptions());
            int otherPort = listen(new HttpServerOptions());
            int httpsPort = listen(new HttpServerOptions()
                    .setSsl(true)
                    .setKeyCertOptions(
                            new PemKeyCertOptions().setKeyPath(key.toString()).setCertPath(cert.toString())));
            String privateAllow = String.join(
                    ",",
                    HOST + ":" + httpPort,
                    HOST + ":" + otherPort,
                    HOST + ":" + httpsPort,
                    OTHER_HOST + ":" + httpPort);
            return Map.of(
                    HTTP_PORT,
                    Integer.toString(httpPort),
                    OTHER_PORT,
                    Integer.toString(otherPort),
                    HTTPS_PORT,
                    Integer.toString(httpsPort),
                    CERTIFICATE,
                    cert.toString(),
                    "sandbox.egress.private-allow",
                    privateAllow,
                    "sandbox.egress.hosts.\"" + HOST + "\"",
                    "127.0.0.1",
                    "sandbox.egress.hosts.\"" + OTHER_HOST + "\"",
                    "127.0.0.1",
                    "sandbox.egress.hosts.\"" + REBINDING_HOST + "\"",
                    "127.0.0.1");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("the fake internet did not start", e);
        }
    }

    private int listen(HttpServerOptions options) throws Exception {
        HttpServer server =
                vertx.createHttpServer(options.setHost("127.0.0.1").setPort(0)).requestHandler(this::answer);
        return server.listen()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS)
                .actualPort();
    }

    /** {@code /weather}: a small JSON document naming the Host it was asked for; {@code /bytes/N}: N bytes. */
    private void answer(HttpServerRequest request) {
        String path = request.path();
        if (path.startsWith("/bytes/")) {
            int size = Integer.parseInt(path.substring("/bytes/".length()));
            request.response()
                    .putHeader("Content-Type", "application/octet-stream")
                    .end(Buffer.buffer(new byte[size]));
            return;
        }
        if (path.equals("/weather")) {
            request.response()
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject()
                            .put("city", "Oslo")
                            .put("temperature", 3.5)
                            .put("host", request.getHeader("Host"))
                            .put("tls", request.isSSL())
                            .encode());
            return;
        }
        request.response().setStatusCode(404).end();
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
