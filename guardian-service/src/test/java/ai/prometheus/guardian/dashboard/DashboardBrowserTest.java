package ai.prometheus.guardian.dashboard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.guardian.Names;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium}, driven by npm
 * {@code playwright-core}, installed at test time into {@code target/e2e}): the page loads, shows a
 * seeded issue, and acknowledging it with a click changes its state. Leaves a screenshot at
 * {@code target/dashboard.png}.
 */
@QuarkusTest
class DashboardBrowserTest {

    private static final Path SOURCES = Path.of("src/test/browser");
    private static final Path WORK = Path.of("target/e2e");
    private static final Path SCREENSHOT = Path.of("target/dashboard.png");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TestHTTPResource("/")
    URL root;

    @Test
    void theDashboardShowsASeededIssueAndAcknowledgingItChangesItsState() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is needed (apt-get install chromium;"
                + " bin/prometheus test installs it)");
        installPlaywright();

        String title = Names.unique("Checkout failed for basket ");
        String operator = TestTokens.withGroups("dash-operator", "operator");
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(operator).contentType(ContentType.JSON)
                    .body(Map.of("service", "web-shop", "errorType", "checkout.Failure", "errorMessage", title,
                            "attributes", Map.of("tool", "payments-gateway")))
                    .when().post("/api/v1/errors").then().statusCode(201);
        }
        String groupId = given().auth().oauth2(operator).contentType(ContentType.JSON)
                .body(Map.of("service", "web-shop", "errorType", "checkout.Failure", "errorMessage", title))
                .when().post("/api/v1/errors").then().statusCode(201).extract().path("groupId");

        Files.deleteIfExists(SCREENSHOT);
        Process run = new ProcessBuilder("node", WORK.resolve("dashboard.e2e.mjs").toString(), root.toString(), operator,
                title, SCREENSHOT.toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        boolean finished = run.waitFor(3, TimeUnit.MINUTES);
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            run.destroyForcibly();
        }
        assertTrue(finished, "the browser run did not finish: " + output);
        assertEquals(0, run.exitValue(), output);
        assertTrue(output.contains("\"ok\":true"), output);
        assertTrue(output.contains("\"before\":\"open\"") && output.contains("\"after\":\"acknowledged\""), output);
        assertTrue(output.contains("\"bars\":24") && output.contains("\"count\":\"4\""), output);
        assertTrue(output.contains("signed in as dash-operator"), output);
        assertTrue(Files.size(SCREENSHOT) > 10_000, "a real screenshot was written to " + SCREENSHOT);
        assertTrue(output.contains("\"tools\":") && !output.contains("\"tools\":0"), "top failing tools are listed: " + output);

        given().auth().oauth2(operator).when().get("/api/v1/error-groups/" + groupId)
                .then().statusCode(200)
                .body("group.state", equalTo("acknowledged"))
                .body("timeline.history[-1].actor", equalTo("dash-operator"))
                .body("timeline.history[-1].note", containsString("dashboard"));
    }

    @Test
    void theDashboardIsServedLocallyWithoutAnyOutsideResource() {
        String html = given().when().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .extract().asString();
        assertTrue(html.contains("dashboard/app.js") && !html.contains("http://") && !html.contains("https://"), html);
        given().when().get("/dashboard/app.js").then().statusCode(200).body(containsString("sessionStorage"));
        given().when().get("/dashboard/app.css").then().statusCode(200);
    }

    /** npm ci of the committed lock file into target/e2e, once per clean build. */
    private static void installPlaywright() throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", "dashboard.e2e.mjs")) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.isDirectory(WORK.resolve("node_modules/playwright-core"))) {
            return;
        }
        Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(WORK.toFile()).redirectErrorStream(true).start();
        boolean finished = install.waitFor(5, TimeUnit.MINUTES);
        String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(finished && install.exitValue() == 0, "npm ci of playwright-core failed: " + output);
    }
}
