package ai.prometheus.registry;

import ai.prometheus.shared.testing.PlatformContractTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(RegistryEngines.class)
class PlatformTest extends PlatformContractTest {

    @Override
    protected String pagedListing() {
        return "/api/v1/tools";
    }

    @Override
    protected JsonOperation jsonOperation() {
        return new JsonOperation(
                "/api/v1/tools/contract-probe/invocations",
                "fingerprint",
                "{\"arguments\": {}, \"mode\": \"sync\", \"fingerprint\": \"%s\"}");
    }
}
