package ai.prometheus.sandbox.egress;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Runs with a network policy, for real: python (urllib), bash (curl) and node (fetch) reach a
 * local JSON API over HTTP and over TLS through CONNECT via the egress proxy, and are refused
 * everything outside their policy, with every connection on the execution.
 */
@QuarkusTest
@QuarkusTestResource(value = FakeInternet.class, restrictToAnnotatedClass = true)
class EgressTest {

    static final String NETWORK_RUNNER =
            TestTokens.withScope("egress-runner", "sandbox:execute sandbox:read sandbox:network");

    static int port(String key) {
        return ConfigProvider.getConfig().getValue(key, Integer.class);
    }

    static int httpPort() {
        return port(FakeInternet.HTTP_PORT);
    }

    static int httpsPort() {
        return port(FakeInternet.HTTPS_PORT);
    }

    static int otherPort() {
        return port(FakeInternet.OTHER_PORT);
    }

    static String certificate() {
        try {
            return Files.readString(
                    Path.of(ConfigProvider.getConfig().getValue(FakeInternet.CERTIFICATE, String.class)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The policy most tests use: the fake API over HTTP and over TLS. */
    static List<String> apiPolicy() {
        return List.of(FakeInternet.HOST + ":" + httpPort(), FakeInternet.HOST + ":" + httpsPort());
    }

    static String url(String scheme, String host, int port, String path) {
        return scheme + "://" + host + ":" + port + path;
    }

    static ValidatableResponse run(String language, String code, List<String> allow, Map<String, Object> limits) {
        Map<String, Object> body = SandboxApi.body(language, code, limits);
        body.put("network", Map.of("allow", allow));
        return given().auth()
                .oauth2(NETWORK_RUNNER)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(201)
                .contentType(ContentType.JSON);
    }

    static ValidatableResponse run(String language, String code, List<String> allow) {
        return run(language, code, allow, Map.of());
    }

    /** Python: urllib with the proxy from the environment; the certificate trusted explicitly for TLS. */
    static String pythonFetch(String url) {
        return """
                import json, ssl, sys, urllib.request, urllib.error
                context = ssl.create_default_context(cadata=%s)
                try:
                    with urllib.request.urlopen(%s, context=context, timeout=10) as answer:
                        document = json.load(answer)
                        print(document['city'], document['host'], document['tls'])
                except urllib.error.HTTPError as refused:
                    print('HTTP', refused.code, refused.read().decode().strip())
                    sys.exit(3)
                except urllib.error.URLError as failed:
                    print('FAILED', failed.reason)
                    sys.exit(4)
                """.formatted(pythonString(certificate()), pythonString(url));
    }

    static String pythonString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }

    static String curlFetch(String url) {
        return """
                cat > /tmp/ca.pem <<'PEM'
                %sPEM
                curl -sS --max-time 10 --cacert /tmp/ca.pem %s
                """.formatted(certificate(), url);
    }

    /**
     * Node's fetch through the preload. Node reads extra trusted certificates at start only, so the
     * TLS case runs a second node with NODE_EXTRA_CA_CERTS (and the inherited NODE_OPTIONS).
     */
    static String nodeFetch(String url) {
        return """
                const fs = require('fs');
                const { execFileSync } = require('child_process');
                fs.writeFileSync('/tmp/ca.pem', %s);
                const program = `fetch(${JSON.stringify(%s)}).then(async (r) => {
                  if (!r.ok) { console.log('HTTP', r.status, (await r.text()).trim()); process.exit(3); }
                  const d = await r.json(); console.log(d.city, d.host, d.tls);
                }).catch((e) => { console.log('FAILED', e.cause ? e.cause.message : e.message); process.exit(4); });`;
                const environment = Object.assign({}, process.env, { NODE_EXTRA_CA_CERTS: '/tmp/ca.pem' });
                try {
                  process.stdout.write(execFileSync(process.execPath, ['-e', program], { env: environment }));
                } catch (failed) {
                  process.stdout.write(failed.stdout);
                  process.exit(failed.status);
                }
                """.formatted(jsString(certificate()), jsString(url));
    }

    static String jsString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }

    static String fetch(String language, String url) {
        return switch (language) {
            case "python" -> pythonFetch(url);
            case "bash" -> curlFetch(url);
            default -> nodeFetch(url);
        };
    }

    // --- Reaching the allowed host --------------------------------------------------------------

    @Test
    void pythonCurlAndNodeFetchJsonOverHttpThroughTheProxy() {
        for (String language : List.of("python", "bash", "node")) {
            String host = FakeInternet.HOST + ":" + httpPort();
            ValidatableResponse answer = run(
                            language,
                            fetch(language, url("http", FakeInternet.HOST, httpPort(), "/weather")),
                            apiPolicy())
                    .body("status", equalTo("OK"))
                    .body("egress", hasSize(1))
                    .body("egress[0].host", equalTo(FakeInternet.HOST))
                    .body("egress[0].port", equalTo(httpPort()))
                    .body("egress[0].resolvedAddress", equalTo("127.0.0.1"))
                    .body("egress[0].allowed", equalTo(true))
                    .body("egress[0].bytesDown", greaterThan(0))
                    .body("egress[0].bytesUp", greaterThan(0))
                    .body("limits.egressBytes", equalTo(10 * 1024 * 1024))
                    .body("limits.egressConnections", equalTo(32));
            if (language.equals("bash")) {
                answer.body("stdout", containsString("\"city\":\"Oslo\"")).body("stdout", containsString(host));
            } else {
                answer.body(
                        "stdout",
                        equalTo((language.equals("python") ? "Oslo " + host + " False" : "Oslo " + host + " false")
                                + "\n"));
            }
        }
    }

    @Test
    void pythonCurlAndNodeFetchJsonOverTlsThroughConnect() {
        for (String language : List.of("python", "bash", "node")) {
            ValidatableResponse answer = run(
                            language,
                            fetch(language, url("https", FakeInternet.HOST, httpsPort(), "/weather")),
                            apiPolicy())
                    .body("status", equalTo("OK"))
                    .body("egress", hasSize(1))
                    .body("egress[0].port", equalTo(httpsPort()))
                    .body("egress[0].allowed", equalTo(true))
                    .body("egress[0].bytesDown", greaterThan(1000)); // the certificate alone is larger
            if (language.equals("bash")) {
                answer.body("stdout", containsString("\"tls\":true"));
            } else {
                answer.body("stdout", containsString("Oslo " + FakeInternet.HOST + ":" + httpsPort()));
            }
        }
    }

    // --- Refusals --------------------------------------------------------------------------------

    @Test
    void aHostAPortAnIpLiteralAndAPrivateNameOutsideThePolicyAreRefusedForEveryClient() {
        String rebinding = FakeInternet.REBINDING_HOST + ":" + httpPort();
        List<String> policy = List.of(FakeInternet.HOST + ":" + httpPort(), rebinding);
        Map<String, String> refusals = Map.of(
                url("http", FakeInternet.OTHER_HOST, httpPort(), "/weather"),
                FakeInternet.OTHER_HOST + ":" + httpPort() + " is not in this tool's network policy",
                url("http", FakeInternet.HOST, otherPort(), "/weather"),
                FakeInternet.HOST + ":" + otherPort() + " is not in this tool's network policy",
                // (127.0.0.1 itself stays direct through NO_PROXY and finds nothing on the sandbox's loopback)
                url("http", "192.0.2.10", httpPort(), "/weather"),
                "192.0.2.10:" + httpPort() + " is not in this tool's network policy",
                url("http", FakeInternet.REBINDING_HOST, httpPort(), "/weather"),
                rebinding + " resolves to a loopback address (127.0.0.1)");
        for (String language : List.of("python", "bash", "node")) {
            refusals.forEach((target, reason) -> {
                // curl shows the proxy's 403 body and exits 0 (no --fail); python and node fail.
                run(language, fetch(language, target), policy)
                        .body("status", equalTo(language.equals("bash") ? "OK" : "RUNTIME_ERROR"))
                        .body("egress", hasSize(1))
                        .body("egress[0].allowed", equalTo(false))
                        .body("egress[0].reason", containsString(reason))
                        .body("stdout", containsString("egress denied: " + reason))
                        .body("stdout", not(containsString("Oslo")));
            });
        }
    }

    @Test
    void absoluteFormSmugglingAndConnectToAnotherPortAreRefused() {
        String code = """
                import socket
                def ask(request):
                    with socket.create_connection(('127.0.0.1', 3128), timeout=10) as proxy:
                        proxy.sendall(request.encode())
                        answer = b''
                        while True:
                            chunk = proxy.recv(4096)
                            if not chunk:
                                break
                            answer += chunk
                    text = answer.decode(errors='replace')
                    return text.split('\\r\\n')[0] + ' | ' + text.split('\\r\\n\\r\\n', 1)[-1].strip()
                close = 'Connection: close\\r\\n\\r\\n'
                print(ask('GET http://%1$s:%2$d/weather HTTP/1.1\\r\\nHost: %3$s:%4$d\\r\\n' + close))
                print(ask('CONNECT %3$s:%5$d HTTP/1.1\\r\\nHost: %3$s:%4$d\\r\\n' + close))
                print(ask('GET /weather HTTP/1.1\\r\\nHost: %3$s:%4$d\\r\\n' + close))
                """.formatted(FakeInternet.OTHER_HOST, httpPort(), FakeInternet.HOST, httpPort(), otherPort());
        String stdout = run("python", code, apiPolicy())
                .body("status", equalTo("OK"))
                .body("egress", hasSize(2))
                .body("egress.allowed", everyItem(equalTo(false)))
                .extract()
                .path("stdout");
        String[] lines = stdout.split("\n");
        assertTrue(lines[0].startsWith("HTTP/1.1 403"), stdout);
        assertTrue(
                lines[0].contains("egress denied: " + FakeInternet.OTHER_HOST + ":" + httpPort()
                        + " is not in this tool's network policy"),
                stdout);
        assertTrue(lines[1].startsWith("HTTP/1.1 403"), stdout);
        assertTrue(
                lines[1].contains(FakeInternet.HOST + ":" + otherPort() + " is not in this tool's network policy"),
                stdout);
        assertTrue(lines[2].startsWith("HTTP/1.1 400"), stdout);
    }

    // --- Hostile corpus: egress cases (run with the screen warning only, as the corpus is) ----------

    @Test
    void hostileProxyBypassFindsNothingBeyondTheSandboxLoopback() {
        // With a policy the sandbox may open TCP sockets, but its network namespace has only
        // loopback, where nothing but the bridge to the proxy listens.
        String code = """
                import socket
                for host, port in [('127.0.0.1', %d), ('127.0.0.1', 5432), ('1.1.1.1', 443), ('10.0.0.1', 80)]:
                    try:
                        socket.create_connection((host, port), timeout=3).close()
                        print('CONNECTED', host, port)
                    except OSError as failed:
                        print('refused', host, port, type(failed).__name__)
                try:
                    print(socket.getaddrinfo('%s', 80))
                except OSError as failed:
                    print('no dns', type(failed).__name__)
                """.formatted(httpPort(), FakeInternet.HOST);
        run("python", code, apiPolicy())
                .body("status", equalTo("OK"))
                .body("stdout", not(containsString("CONNECTED")))
                .body("stdout", containsString("no dns"))
                .body("egress", hasSize(0));
    }

    @Test
    void hostileRawAndPacketSocketsAreRefused() {
        String code = """
                import socket
                for family, kind, name in [(socket.AF_INET, socket.SOCK_RAW, 'raw'), (socket.AF_INET6, socket.SOCK_RAW, 'raw6'),
                                           (socket.AF_PACKET, socket.SOCK_RAW, 'packet'), (socket.AF_NETLINK, socket.SOCK_RAW, 'netlink')]:
                    try:
                        socket.socket(family, kind, 1 if name.startswith('raw') else 0)
                        print('OPENED', name)
                    except OSError as refused:
                        print('refused', name, refused.errno)
                """;
        run("python", code, apiPolicy())
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("refused raw 1\nrefused raw6 1\nrefused packet 97\nrefused netlink 97\n"));
    }

    @Test
    void hostileNamesAndLiteralsThatLeadToPrivateAddressesAreRefusedEvenWhenThePolicyNamesThem() {
        int port = httpPort();
        // Each is in the tool's policy; none is in the operator's private-allow list.
        List<String> policy = List.of(
                "localhost:" + port,
                FakeInternet.REBINDING_HOST + ":" + port,
                "127.0.0.1:" + port,
                "[::ffff:127.0.0.1]:" + port,
                "169.254.169.254:80",
                "[fd00:ec2::254]:80",
                "[64:ff9b::7f00:1]:" + port);
        String code = """
                import urllib.request, urllib.error
                for target in %s:
                    try:
                        urllib.request.urlopen('http://' + target + '/weather', timeout=10)
                        print('REACHED', target)
                    except urllib.error.HTTPError as refused:
                        print(refused.code, refused.read().decode().strip())
                """.formatted(
                        "['localhost:%1$d', '%2$s:%1$d', '127.0.0.1:%1$d', '[::ffff:127.0.0.1]:%1$d', '169.254.169.254:80', '[fd00:ec2::254]:80', '[64:ff9b::7f00:1]:%1$d']"
                                .formatted(port, FakeInternet.REBINDING_HOST));
        // NO_PROXY keeps localhost and 127.0.0.1 direct; the probe asks the proxy for them anyway.
        code = "import os\nos.environ.pop('no_proxy', None)\nos.environ.pop('NO_PROXY', None)\n" + code;
        String stdout = run("python", code, policy)
                .body("status", equalTo("OK"))
                .body("stdout", not(containsString("REACHED")))
                .body("egress", hasSize(7))
                .body("egress.allowed", everyItem(equalTo(false)))
                .extract()
                .path("stdout");
        assertTrue(stdout.contains("localhost:" + port + " resolves to a loopback address (127.0.0.1)"), stdout);
        assertTrue(
                stdout.contains(FakeInternet.REBINDING_HOST + ":" + port + " resolves to a loopback address"), stdout);
        assertTrue(stdout.contains("169.254.169.254:80 resolves to a cloud metadata address"), stdout);
        assertTrue(stdout.contains("resolves to a cloud metadata address (fd00:ec2:0:0:0:0:0:254)"), stdout);
        assertTrue(stdout.contains("resolves to a loopback address (carried in an IPv6 address)"), stdout);
        assertEquals(
                7,
                stdout.lines()
                        .filter(line -> line.startsWith("403 egress denied: "))
                        .count(),
                stdout);
    }

    @Test
    void hostileRunsCannotSeeOrReachAnotherRunsProxySocket() {
        String code = """
                import os
                print(sorted(os.listdir('/run')))
                print(os.path.exists('/run/egress/proxy.sock'))
                try:
                    os.listdir('/run/egress')
                    print('listed')
                except PermissionError:
                    print('not listable')
                """;
        run("python", code, apiPolicy())
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("['egress', 'egress-node.js', 'sandbox-init']\nTrue\nnot listable\n"));
    }

    // --- Limits ----------------------------------------------------------------------------------

    @Test
    void movingMoreBytesThanAllowedEndsTheRunEgressLimit() {
        String code = pythonDownload(url("http", FakeInternet.HOST, httpPort(), "/bytes/2000000"));
        run("python", code, apiPolicy(), Map.of("egressBytes", 100_000))
                .body("status", equalTo("EGRESS_LIMIT"))
                .body("message", containsString("egress byte limit of 100000 bytes exceeded"))
                .body("stdout", not(containsString("downloaded")))
                .body("limits.egressBytes", equalTo(100_000))
                .body("egress[0].allowed", equalTo(true))
                .body("egress[0].reason", containsString("cut"));
    }

    @Test
    void openingMoreConnectionsThanAllowedEndsTheRunEgressLimit() {
        String code = """
                import urllib.request
                for attempt in range(10):
                    urllib.request.urlopen(%s, timeout=10).read()
                    print('fetched', attempt, flush=True)
                """.formatted(pythonString(url("http", FakeInternet.HOST, httpPort(), "/weather")));
        run("python", code, apiPolicy(), Map.of("egressConnections", 3))
                .body("status", equalTo("EGRESS_LIMIT"))
                .body("message", containsString("egress connection limit of 3 connections exceeded"))
                .body("stdout", containsString("fetched 2"))
                .body("stdout", not(containsString("fetched 3")))
                .body("egress.allowed", hasItem(false));
    }

    static String pythonDownload(String url) {
        return """
                import urllib.request
                data = urllib.request.urlopen(%s, timeout=10).read()
                print('downloaded', len(data))
                """.formatted(pythonString(url));
    }

    // --- Records, permission, validation, reports ------------------------------------------------

    @Test
    void connectionsAreStoredOnTheExecutionAndDenialsReachTheGuardian() throws Exception {
        EventCodec codec = new EventCodec();
        try (KafkaProbe errors = KafkaProbe.on(Topics.ERRORS)) {
            String code = """
                    import urllib.request, urllib.error
                    print(urllib.request.urlopen(%s, timeout=10).read().decode())
                    try:
                        urllib.request.urlopen(%s, timeout=10)
                    except urllib.error.HTTPError as refused:
                        print(refused.code)
                    """.formatted(
                            pythonString(url("http", FakeInternet.HOST, httpPort(), "/weather")),
                            pythonString(url("http", "api.evil.test", 443, "/steal")));
            String id = run("python", code, apiPolicy())
                    .body("status", equalTo("OK"))
                    .body("stdout", containsString("403"))
                    .extract()
                    .path("id");
            given().auth()
                    .oauth2(NETWORK_RUNNER)
                    .when()
                    .get("/api/v1/executions/" + id)
                    .then()
                    .statusCode(200)
                    .body("network.allow", equalTo(apiPolicy().stream().sorted().toList()))
                    .body("egress", hasSize(2))
                    .body("egress[0].allowed", equalTo(true))
                    .body("egress[1].host", equalTo("api.evil.test"))
                    .body("egress[1].reason", equalTo("api.evil.test:443 is not in this tool's network policy"));
            try (Connection db = Engines.jdbc();
                    PreparedStatement query =
                            db.prepareStatement("select jsonb_array_length(egress->'connections'), limit_egress_bytes,"
                                    + " limit_egress_connections from sandbox.executions where id = ?")) {
                query.setObject(1, UUID.fromString(id));
                try (ResultSet rs = query.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(2, rs.getInt(1));
                    assertEquals(10L * 1024 * 1024, rs.getLong(2));
                    assertEquals(32, rs.getInt(3));
                }
            }
            ErrorReported error = codec.data(
                    errors.await(
                            e -> EventTypes.ERROR_REPORTED.equals(e.type())
                                    && id.equals(codec.data(e, ErrorReported.class)
                                            .attributes()
                                            .get("executionId")),
                            Duration.ofSeconds(60)),
                    ErrorReported.class);
            assertEquals("sandbox.egress.denied", error.errorType());
            assertEquals("api.evil.test", error.attributes().get("host"));
            assertEquals("443", error.attributes().get("port"));
        }
    }

    @Test
    void aNetworkPolicyNeedsTheNetworkPermission() {
        Map<String, Object> body = SandboxApi.body("python", "print(1)", null);
        body.put("network", Map.of("allow", apiPolicy()));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("sandbox:network"));
    }

    @Test
    void anInvalidPolicyEntryOrEgressLimitIsA400NamingIt() {
        Map<String, Object> body = SandboxApi.body("python", "print(1)", Map.of("egressConnections", 100_000));
        body.put("network", Map.of("allow", List.of(FakeInternet.HOST + ":443", "*.com")));
        given().auth()
                .oauth2(NETWORK_RUNNER)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("network.allow[1]"))
                .body("errors.field", hasItem("limits.egressConnections"));
    }

    @Test
    void withoutAPolicyARunStillHasNoNetworkAndNoProxy() {
        String code = """
                import os, socket
                print(os.environ.get('HTTP_PROXY'))
                try:
                    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    print('socket')
                except OSError as refused:
                    print('refused', refused.errno)
                """;
        SandboxApi.run("python", code)
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("None\nrefused 97\n"))
                .body("egress", org.hamcrest.Matchers.nullValue());
    }
}
