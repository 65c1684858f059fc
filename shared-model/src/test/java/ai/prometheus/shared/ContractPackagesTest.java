package ai.prometheus.shared;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * shared-model holds two kinds of code: contracts (events, topics, payload records, the permission
 * grammar, problem types, the sandbox DTOs) that any client may use without a framework, and
 * platform beans under {@code ai.prometheus.shared.platform} that every service runs. The contracts
 * must stay free of CDI, Quarkus, Vert.x, SmallRye, MicroProfile and JAX-RS, and of the platform.
 */
class ContractPackagesTest {

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("ai.prometheus.shared");

    @Test
    void contractPackagesDependOnNoFrameworkAndNoPlatformBean() {
        noClasses()
                .that()
                .resideInAPackage("ai.prometheus.shared..")
                .and()
                .resideOutsideOfPackage("ai.prometheus.shared.platform..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "jakarta.enterprise..",
                        "jakarta.inject..",
                        "jakarta.ws.rs..",
                        "io.quarkus..",
                        "io.vertx..",
                        "io.smallrye..",
                        "org.eclipse.microprofile..",
                        "org.jboss.resteasy..",
                        "ai.prometheus.shared.platform..")
                .because("contracts are usable without the platform (issue 18, ARCHITECTURE.md)")
                .check(PRODUCTION);
    }

    @Test
    void theRuleSeesBothKindsOfPackage() {
        // guards the rule above against importing nothing (a wrong package name would pass it)
        org.junit.jupiter.api.Assertions.assertTrue(PRODUCTION.containPackage("ai.prometheus.shared.event"));
        org.junit.jupiter.api.Assertions.assertTrue(
                PRODUCTION.containPackage("ai.prometheus.shared.platform.security"));
    }
}
