package ai.prometheus.guardian.dashboard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.guardian.Names;
import ai.prometheus.shared.testing.BrowserRun;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium}, driven by npm
 * {@code playwright-core}, installed at test time into {@code target/e2e} by {@code BrowserRun}): the page loads, shows a
 * seeded issue, and acknowledging it with a click changes its state; auto-refresh, unverified reports
 * shown apart, bidi controls neutralised, an issue's own page and the layout at 800 px. Leaves
 * screenshots in {@code target/screenshots}.
 */
@QuarkusTest
class DashboardBrowserTest {

    /** Kept as test output in target/screenshots: what an operator sees. */
    private static final List<String> SCREENSHOT_NAMES =
            List.of("dashboard-sign-in.png", "dashboard.png", "dashboard-group.png", "dashboard-800.png");

    @TestHTTPResource("/")
    URL root;

    @Test
    void anOperatorSeesAndWorksIssuesInTheBrowser() throws Exception {

        String title = Names.unique("Checkout failed for basket ");
        String operator = TestTokens.withGroups("dash-operator", "operator");
        // A package of its own, so this run's events make an issue of their own (grouping keys on frames).
        String pkg = Names.unique("shop");
        String stack = "shop.CheckoutError: " + title + "\n\tat " + pkg + ".Checkout.pay(Checkout.java:42)\n" + "\tat "
                + pkg + ".Basket.close(Basket.java:7)";
        for (int i = 0; i < 3; i++) {
            given().auth()
                    .oauth2(operator)
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "service",
                            "web-shop",
                            "errorType",
                            "checkout.Failure",
                            "errorMessage",
                            title,
                            "stackTrace",
                            stack,
                            "attributes",
                            Map.of("tool", "payments-gateway", "basket", "b-" + i)))
                    .when()
                    .post("/api/v1/errors")
                    .then()
                    .statusCode(201);
        }
        String groupId = given().auth()
                .oauth2(operator)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "service",
                        "web-shop",
                        "errorType",
                        "checkout.Failure",
                        "errorMessage",
                        title,
                        "stackTrace",
                        stack,
                        "attributes",
                        Map.of("tool", "payments-gateway")))
                .when()
                .post("/api/v1/errors")
                .then()
                .statusCode(201)
                .extract()
                .path("groupId");
        // A right-to-left override in a title would show "Refund for order account 1234" reversed.
        // (Five events, so it ranks among the first issues the list shows.)
        String bidiTitle = "Refund for order \u202E" + Names.unique("tnuocca ");
        for (int i = 0; i < 5; i++) {
            given().auth()
                    .oauth2(operator)
                    .contentType(ContentType.JSON)
                    .body(Map.of("service", "web-shop", "errorType", "refund.Failure", "errorMessage", bidiTitle))
                    .when()
                    .post("/api/v1/errors")
                    .then()
                    .statusCode(201);
        }

        JsonNode seen = BrowserRun.run(
                "dashboard.e2e.mjs",
                SCREENSHOT_NAMES,
                Map.of("ISSUE_STACK", stack),
                root.toString(),
                operator,
                title,
                bidiTitle);
        String output = seen.toString();
        assertEquals(false, seen.path("dataViewWhileSignedOut").asBoolean(), "the signed-out page shows no data view");
        assertEquals("open", seen.path("before").asText());
        assertEquals("acknowledged", seen.path("after").asText());
        assertEquals(24, seen.path("bars").asInt());
        assertEquals("4", seen.path("count").asText());
        assertEquals("signed in as dash-operator", seen.path("who").asText());
        // The operator's reports name a service that is not theirs to vouch for: unverified, apart.
        assertTrue(
                seen.path("untrustedTools").toString().contains("payments-gateway")
                        && seen.path("untrustedTools").toString().contains("unverified"),
                output);
        assertTrue(!seen.path("trustedTools").toString().contains("payments-gateway"), output);
        assertTrue(seen.path("bidiTitle").asText().contains("<U+202E>"), output);
        assertEquals(false, seen.path("rawOverrideInPage").asBoolean(), output);
        assertEquals(201, seen.path("extraReport").asInt());
        assertEquals("5", seen.path("countAfterRefresh").asText(), "auto-refresh showed the new event");
        assertEquals("#/groups/" + groupId, seen.path("hash").asText());
        assertTrue(seen.path("samples").asInt() >= 1 && seen.path("stackTrace").asBoolean(), output);
        assertTrue(seen.path("attributes").toString().contains("tool"), output);
        assertTrue(seen.path("history").toString().contains("acknowledged"), output);
        assertTrue(seen.path("timelineBars").asInt() >= 1, output);
        assertEquals("[\"payments-gateway\"]", seen.path("linkedTools").toString());
        assertTrue(seen.path("listHiddenOnGroupPage").asBoolean(), output);
        JsonNode narrow = seen.path("narrow");
        assertTrue(
                narrow.path("scrollWidth").asInt() <= 800
                        && narrow.path("tableRight").asInt() <= 800
                        && narrow.path("lastColumnRight").asInt() <= 800,
                "the list fits 800 px: " + narrow);

        given().auth()
                .oauth2(operator)
                .when()
                .get("/api/v1/error-groups/" + groupId)
                .then()
                .statusCode(200)
                .body("group.state", equalTo("acknowledged"))
                .body("timeline.history[-1].actor", equalTo("dash-operator"))
                .body("timeline.history[-1].note", containsString("dashboard"));
    }

    /** The pages allow nothing but their own code, cannot be framed or sniffed, and are always revalidated. */
    @Test
    void thePagesCarryTheirSecurityAndCacheHeaders() {
        for (String path : List.of("/", "/index.html", "/dashboard/app.js", "/dashboard/app.css")) {
            given().when()
                    .get(path)
                    .then()
                    .statusCode(200)
                    .header(
                            "Content-Security-Policy",
                            allOf(
                                    containsString("default-src 'none'"),
                                    containsString("script-src 'self'"),
                                    containsString("frame-ancestors 'none'")))
                    .header("Content-Security-Policy", not(containsString("unsafe-inline")))
                    .header("X-Frame-Options", equalTo("DENY"))
                    .header("X-Content-Type-Options", equalTo("nosniff"))
                    .header("Cache-Control", equalTo("no-cache"));
        }
        given().when()
                .get("/api/v1/error-groups")
                .then()
                .statusCode(401)
                .header("X-Content-Type-Options", equalTo("nosniff"));
    }

    @Test
    void theDashboardIsServedLocallyWithoutAnyOutsideResource() {
        String html = given().when()
                .get("/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .extract()
                .asString();
        assertTrue(html.contains("dashboard/app.js") && !html.contains("http://") && !html.contains("https://"), html);
        given().when().get("/dashboard/app.js").then().statusCode(200).body(containsString("sessionStorage"));
        given().when().get("/dashboard/app.css").then().statusCode(200);
    }
}
