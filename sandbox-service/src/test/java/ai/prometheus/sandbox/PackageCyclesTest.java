package ai.prometheus.sandbox;

import ai.prometheus.shared.testing.PackageCycles;
import org.junit.jupiter.api.Test;

class PackageCyclesTest {

    @Test
    void featurePackagesFormNoCycle() {
        PackageCycles.assertNone("ai.prometheus.sandbox");
    }
}
