package ai.prometheus.registry;

import ai.prometheus.shared.testing.PackageCycles;
import ai.prometheus.shared.testing.SqlInRepositories;
import org.junit.jupiter.api.Test;

/** The suite's package rules, over this service's classes: no cycles, SQL only in repositories. */
class PackageCyclesTest {

    @Test
    void featurePackagesFormNoCycle() {
        PackageCycles.assertNone("ai.prometheus.registry");
    }

    @Test
    void onlyRepositoriesWriteSql() {
        SqlInRepositories.assertOnlyRepositories("ai.prometheus.registry");
    }
}
