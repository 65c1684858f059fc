package ai.prometheus.shared.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkPolicyTest {

    @ParameterizedTest(name = "{0} is valid")
    @CsvSource({
        "api.open-meteo.com:443",
        "*.example.org:443",
        "10.0.0.7:8080",
        "[2001:db8::1]:443",
        "[::1]:80",
        "localhost:1",
        "API.Example.COM.:65535",
        "xn--bcher-kva.example:443",
    })
    void validEntries(String entry) {
        assertEquals(List.of(), new NetworkPolicy(List.of(entry)).violations());
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "api.example.com | explicit port",
                "api.example.com: | port must be",
                "api.example.com:0 | port must be",
                "api.example.com:65536 | port must be",
                "api.example.com:https | port must be",
                "*:443 | whole first label",
                "*.com:443 | two labels",
                "api.*.example.com:443 | whole first label",
                "*api.example.com:443 | whole first label",
                "**.example.com:443 | whole first label",
                "*.10.0.0.7:443 | wildcard applies",
                "2001:db8::1:443 | brackets",
                "[2001:db8::1:443 | explicit port",
                "[zz::1]:443 | not an IPv6",
                "256.1.1.1:80 | above 255",
                "010.1.1.1:80 | leading zero",
                "1.2.3:80 | neither",
                "-bad.example.com:443 | not a valid DNS name",
                "bad_name.example.com:443 | not a valid DNS name",
                "exa mple.com:443 | not a valid DNS name",
                "' ' | host:port",
            })
    void invalidEntries(String entry, String reason) {
        List<NetworkPolicy.Violation> violations = new NetworkPolicy(List.of("ok.example.com:443", entry)).violations();
        assertEquals(1, violations.size(), violations.toString());
        assertEquals(1, violations.get(0).index());
        assertEquals("network.allow[1]", violations.get(0).field("network"));
        assertTrue(
                violations.get(0).reason().contains(reason), violations.get(0).reason());
    }

    @Test
    void tooManyEntriesAreRefused() {
        List<String> many = java.util.stream.IntStream.range(0, NetworkPolicy.MAX_ENTRIES + 1)
                .mapToObj(i -> "h" + i + ".example.com:443")
                .toList();
        assertFalse(new NetworkPolicy(many).violations().isEmpty());
    }

    @ParameterizedTest(name = "{0} admits {1}:{2}: {3}")
    @CsvSource({
        "api.example.com:443, api.example.com, 443, true",
        "api.example.com:443, API.EXAMPLE.COM., 443, true",
        "api.example.com:443, api.example.com, 80, false",
        "api.example.com:443, evil.example.com, 443, false",
        "api.example.com:443, api.example.com.evil.com, 443, false",
        "*.example.org:443, a.example.org, 443, true",
        "*.example.org:443, a.b.example.org, 443, true",
        "*.example.org:443, example.org, 443, false",
        "*.example.org:443, aexample.org, 443, false",
        "*.example.org:443, a.example.org, 444, false",
        "10.0.0.7:8080, 10.0.0.7, 8080, true",
        "10.0.0.7:8080, 10.0.0.8, 8080, false",
        "[2001:db8::1]:443, 2001:db8:0:0:0:0:0:1, 443, true",
        "[2001:db8::1]:443, [2001:db8::1], 443, true",
        "[2001:db8::1]:443, 2001:db8::2, 443, false",
        "localhost:80, 127.0.0.1, 80, false",
        "127.0.0.1:80, localhost, 80, false",
        "api.example.com:443, '', 443, false",
        "api.example.com:443, 'api.example.com:443', 443, false",
    })
    void matching(String entry, String host, int port, boolean expected) {
        assertEquals(
                expected, new NetworkPolicy(List.of(entry)).match(host, port).isPresent());
    }

    @Test
    void canonicalFormIsSortedLowerCaseAndWithoutDuplicates() {
        NetworkPolicy policy = new NetworkPolicy(
                List.of("B.example.com:443", "[2001:DB8::1]:443", "b.example.com.:443", "*.A.example.com:80"));
        assertEquals(
                List.of("*.a.example.com:80", "[2001:db8:0:0:0:0:0:1]:443", "b.example.com:443"),
                policy.canonical().allow());
    }

    @Test
    void absentOrEmptyGrantsNothing() {
        assertFalse(NetworkPolicy.grantsAny(null));
        assertFalse(NetworkPolicy.grantsAny(new NetworkPolicy(null)));
        assertTrue(NetworkPolicy.grantsAny(new NetworkPolicy(List.of("a.example.com:443"))));
    }
}
