package ai.prometheus.memory;

import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.PlatformContractTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(Engines.class)
class PlatformTest extends PlatformContractTest {

    @Override
    protected String pagedListing() {
        return "/api/v1/contexts";
    }

    @Override
    protected JsonOperation jsonOperation() {
        return new JsonOperation("/api/v1/contexts", "name", "{\"name\": \"%s\", \"metadata\": {}}");
    }
}
