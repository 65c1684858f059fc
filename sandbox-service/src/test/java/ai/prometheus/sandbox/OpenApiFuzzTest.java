package ai.prometheus.sandbox;

import ai.prometheus.shared.testing.OpenApiFuzzContract;
import io.quarkus.test.junit.QuarkusTest;

/** Generated hostile input for every operation of this service's OpenAPI document: never a 5xx. */
@QuarkusTest
class OpenApiFuzzTest extends OpenApiFuzzContract {
}
