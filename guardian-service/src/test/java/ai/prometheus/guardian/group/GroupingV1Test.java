package ai.prometheus.guardian.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.event.ErrorReported;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupingV1Test {

    private final GroupingV1 v1 = new GroupingV1();

    private static ErrorReported error(String service, String type, String message, String stack) {
        return new ErrorReported(service, type, message, stack, null, Map.of(), Instant.now());
    }

    private String fp(String service, String type, String message, String stack) {
        return v1.fingerprint(error(service, type, message, stack)).hash();
    }

    @Test
    void javaTraceFromTheSameCodeGroupsAcrossLineNumbersAndMessages() {
        String type = "java.lang.NullPointerException";
        assertEquals(
                fp("billing", type, "\"name\" is null", Traces.javaNpe(57, "name")),
                fp("billing", type, "\"email\" is null", Traces.javaNpe(91, "email")));
    }

    @Test
    void javaTraceFromAnotherCallSiteIsAnotherGroup() {
        String type = "java.lang.NullPointerException";
        String other = Traces.javaNpe(57, "name").replace("InvoiceService.total", "InvoiceService.subtotal");
        assertNotEquals(fp("billing", type, "m", Traces.javaNpe(57, "name")), fp("billing", type, "m", other));
    }

    @Test
    void theSameFailureInTwoServicesIsTwoGroups() {
        String type = "jakarta.ws.rs.ProcessingException";
        assertNotEquals(
                fp("tool-registry-service", type, "m", Traces.javaWrapped()),
                fp("sandbox-service", type, "m", Traces.javaWrapped()));
    }

    @Test
    void errorTypeIsPartOfTheFingerprint() {
        assertNotEquals(fp("s", "TypeA", "m", Traces.javaWrapped()), fp("s", "TypeB", "m", Traces.javaWrapped()));
    }

    @Test
    void traceWithOnlyRuntimeFramesStillGroupsByWhereItFailed() {
        Fingerprint fingerprint = v1.fingerprint(
                error("s", "java.util.ConcurrentModificationException", "x", Traces.javaOnlyRuntimeFrames()));
        assertTrue(fingerprint.basis().contains("java.util.ArrayList$Itr#checkForComodification"), fingerprint.basis());
    }

    @Test
    void pythonTraceGroupsAcrossInstallDirectoriesLinesAndUrlParameters() {
        String type = "requests.exceptions.HTTPError";
        assertEquals(
                fp("weather-tool", type, "503 for key=a1", Traces.python("/app", 40, "a1")),
                fp("weather-tool", type, "503 for key=b2", Traces.python("/srv/releases/42", 44, "b2")));
        assertNotEquals(
                fp("weather-tool", type, "m", Traces.python("/app", 40, "a1")),
                fp(
                        "weather-tool",
                        type,
                        "m",
                        Traces.python("/app", 40, "a1").replace("in fetch_forecast", "in fetch_alerts")));
    }

    @Test
    void pythonChainedTracebackIsStable() {
        assertEquals(
                fp("t", "ValueError", "bad config", Traces.pythonChained()),
                fp("t", "ValueError", "bad config", Traces.pythonChained().replace("line 26", "line 27")));
    }

    @Test
    void nodeTraceGroupsAcrossHostsAndIgnoresLibraryFrames() {
        String type = "TypeError";
        assertEquals(
                fp("ui", type, "reading 'id'", Traces.node("/app", 10, "id")),
                fp("ui", type, "reading 'name'", Traces.node("/home/runner/work", 31, "name")));
        String otherExpressVersion = Traces.node("/app", 10, "id")
                .replace("layer.js:95:5", "layer.js:97:3")
                .replace("route.js:149:13", "route.js:150:9")
                .replace("async Promise.all", "async Promise.allSettled");
        assertEquals(fp("ui", type, "m", Traces.node("/app", 10, "id")), fp("ui", type, "m", otherExpressVersion));
    }

    @Test
    void withoutAStackTheNormalizedMessageDecides() {
        String type = "tool.invocation.runtime_error";
        assertEquals(
                fp(
                        "tool-registry-service",
                        type,
                        "ZeroDivisionError at line 12 for request 0b9a1c52-2f1e-4c57-9d3e-0f5b7c9a1e22",
                        null),
                fp(
                        "tool-registry-service",
                        type,
                        "ZeroDivisionError at line 40 for request 5d2e8f10-7a3b-4c1d-8e9f-112233445566",
                        ""));
        assertNotEquals(
                fp("tool-registry-service", type, "ZeroDivisionError: division by zero", null),
                fp("tool-registry-service", type, "KeyError: 'city'", null));
    }

    /**
     * Version 1 is frozen: existing groups were made with it. If this fails, the change must go
     * into a new algorithm version instead.
     */
    @Test
    void versionOneOutputIsFrozen() {
        Fingerprint java =
                v1.fingerprint(error("billing", "java.lang.NullPointerException", "x", Traces.javaNpe(57, "name")));
        assertEquals(1, java.version());
        assertEquals("""
                service=billing
                type=java.lang.NullPointerException
                frames=ai.acme.billing.InvoiceService#total < ai.acme.billing.InvoiceService#lambda$render \
                < ai.acme.billing.InvoiceResource#render""", java.basis());
        assertEquals("ae2ccd2720a0ad481b8a71c0bcf25ab4a6e55cb2ae02676a7c1ac64f0719df3b", java.hash());

        Fingerprint message = v1.fingerprint(error(
                "tool-registry-service",
                "tool.invocation.timeout_wall",
                "killed after 5000 ms (invocation 0b9a1c52-2f1e-4c57-9d3e-0f5b7c9a1e22)",
                null));
        assertEquals("""
                service=tool-registry-service
                type=tool.invocation.timeout_wall
                message=killed after <n> ms (invocation <uuid>)""", message.basis());
        assertEquals("ff95f2c96bb7c430547b2d2e27bf9d8673cedf7a20f2ac2d92754bf3e193c483", message.hash());
    }
}
