package ai.prometheus.memory;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.prometheus.shared.testing.PackageCycles;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.Test;

/** The memory guild's package rules: no cycles, and SQL written only in repositories. */
class PackageCyclesTest {

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("ai.prometheus.memory");

    /** A class, or the class it is nested in, named {@code *Repository}. */
    private static final DescribedPredicate<JavaClass> OUTSIDE_REPOSITORIES = DescribedPredicate.describe(
            "are not declared in a class named *Repository",
            javaClass -> !topLevel(javaClass).getSimpleName().endsWith("Repository"));

    private static final ArchRule ONLY_REPOSITORIES_USE_THE_SQL_CLIENT = noClasses()
            .that(OUTSIDE_REPOSITORIES)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.mutiny.sqlclient..")
            .because("hand-written SQL lives only in repositories (ARCHITECTURE.md, Persistence)");

    @Test
    void featurePackagesFormNoCycle() {
        PackageCycles.assertNone("ai.prometheus.memory");
    }

    @Test
    void onlyRepositoriesUseTheSqlClient() {
        ONLY_REPOSITORIES_USE_THE_SQL_CLIENT.check(PRODUCTION);
    }

    @Test
    void theSqlRuleRefusesAFeatureClassThatQueriesThePool() {
        // guards the rule above against matching nothing (a wrong package name would pass it)
        JavaClasses offender = new ClassFileImporter().importClasses(CountsInAFeature.class);
        assertThrows(AssertionError.class, () -> ONLY_REPOSITORIES_USE_THE_SQL_CLIENT.check(offender));
    }

    /** What the rule refuses: SQL run outside a repository. */
    static final class CountsInAFeature {
        Uni<?> count(Pool pool) {
            return pool.query("select count(*) from memories").execute();
        }
    }

    private static JavaClass topLevel(JavaClass javaClass) {
        JavaClass outer = javaClass;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer;
    }
}
