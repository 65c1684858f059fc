package ai.prometheus.guardian.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.mutiny.core.Vertx;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class WebhookTargetsTest {

    private static final Vertx VERTX = Vertx.vertx();

    @AfterAll
    static void close() {
        VERTX.closeAndAwait();
    }

    private static WebhookTargets allowing(String... hosts) {
        return new WebhookTargets(VERTX, List.of(hosts));
    }

    @Test
    void internalAddressesAndOtherSchemesAreRefused() {
        WebhookTargets targets = allowing();
        for (String url : List.of(
                "http://127.0.0.1:8080/hook",
                "http://127.1/",
                "http://2130706433/",
                "http://localhost:9/",
                "http://api.localhost/",
                "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.5/",
                "http://172.16.1.1/",
                "http://192.168.1.1/",
                "http://100.64.0.1/",
                "http://0.0.0.0/",
                "http://[::1]/",
                "http://[::]/",
                "http://[fe80::1]/",
                "http://[fd00::1]/",
                "http://[::ffff:10.0.0.1]/",
                "http://[64:ff9b::a9fe:a9fe]/",
                "http://224.0.0.1/")) {
            String problem = targets.problem(url);
            assertNotNull(problem, url + " must be refused");
        }
        assertTrue(
                targets.problem("http://169.254.169.254/").contains("link-local"),
                targets.problem("http://169.254.169.254/"));
        for (String url : List.of(
                "file:///etc/passwd",
                "gopher://example.com/",
                "ftp://example.com/",
                "//example.com/x",
                "http:///nohost",
                "not a url")) {
            assertNotNull(targets.problem(url), url + " must be refused");
        }
    }

    @Test
    void publicAddressesAndNamesPassTheStaticCheck() {
        WebhookTargets targets = allowing();
        assertNull(targets.problem("https://hooks.example.com/guardian"));
        assertNull(targets.problem("http://93.184.216.34:8080/x"));
        assertNull(targets.problem("http://[2606:2800:220:1:248:1893:25c8:1946]/"));
    }

    @Test
    void theOperatorsAllowlistAdmitsNamesAddressesAndRangesOnly() {
        WebhookTargets targets = allowing("127.0.0.1", "10.20.0.0/16", "pager.internal");
        assertNull(targets.problem("http://127.0.0.1:8080/"));
        assertNotNull(targets.problem("http://127.0.0.2:8080/"), "only the listed address");
        assertNull(targets.problem("http://10.20.3.4/"));
        assertNotNull(targets.problem("http://10.21.0.1/"));
        assertNull(targets.problem("http://PAGER.internal/hook"));
        assertThrows(IllegalArgumentException.class, () -> allowing("10.0.0.0/33"));
    }

    @Test
    void resolvingChecksTheAddressesAndAnswersTheOneToConnectTo() {
        WebhookTargets targets = allowing("127.0.0.1");
        WebhookTargets.Target target =
                targets.resolve("http://127.0.0.1:4321/hook").await().atMost(Duration.ofSeconds(10));
        assertEquals("127.0.0.1", target.address().getHostAddress());
        assertEquals(4321, target.port());
        assertThrows(
                WebhookTargets.Refused.class,
                () -> targets.resolve("http://127.0.0.2/").await().atMost(Duration.ofSeconds(10)));
    }

    @Test
    void addressKinds() throws Exception {
        assertNull(WebhookTargets.kindOf(InetAddress.getByName("8.8.8.8")));
        assertEquals("a loopback", WebhookTargets.kindOf(InetAddress.getByName("127.0.0.2")));
        assertEquals("a private", WebhookTargets.kindOf(InetAddress.getByName("192.168.0.1")));
        assertEquals("a link-local", WebhookTargets.kindOf(InetAddress.getByName("::a9fe:a9fe")));
        assertEquals("a reserved or private", WebhookTargets.kindOf(InetAddress.getByName("fc00::1")));
    }
}
