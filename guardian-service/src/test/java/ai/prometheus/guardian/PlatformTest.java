package ai.prometheus.guardian;

import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.PlatformContractTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(Engines.class)
class PlatformTest extends PlatformContractTest {

    @Override
    protected String pagedListing() {
        return "/api/v1/errors";
    }

    @Override
    protected JsonOperation jsonOperation() {
        return new JsonOperation(
                "/api/v1/errors",
                "errorMessage",
                "{\"service\": \"contract-check\", \"errorType\": \"ContractCheck\", \"errorMessage\": \"%s\"}");
    }
}
