package ai.prometheus.registry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.discovery.ToolListingRepository;
import ai.prometheus.shared.platform.persistence.NativeSql;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.Test;

/**
 * Hand-written SQL lives only in repositories (ARCHITECTURE.md, Persistence): only a class whose
 * simple name ends with {@code Repository} (or a class nested in one) may use the Vert.x SQL
 * client, {@code NativeSql} or a Hibernate session's native queries. Everything else reaches the
 * database through a repository's methods.
 */
class SqlInRepositoriesTest {

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("ai.prometheus.registry");

    private static final DescribedPredicate<JavaClass> OUTSIDE_REPOSITORIES = DescribedPredicate.describe(
            "are neither a class whose simple name ends with Repository nor nested in one",
            type -> !inARepository(type));

    private static final ArchRule ONLY_REPOSITORIES_WRITE_SQL = noClasses()
            .that(OUTSIDE_REPOSITORIES)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.vertx.sqlclient..",
                    "io.vertx.mutiny.sqlclient..",
                    "io.vertx.pgclient..",
                    "io.vertx.mutiny.pgclient..")
            .orShould()
            .dependOnClassesThat()
            .belongToAnyOf(NativeSql.class)
            .orShould()
            .callMethodWhere(JavaCall.Predicates.target(HasName.Predicates.name("createNativeQuery")))
            .because("hand-written SQL lives only in repositories (ARCHITECTURE.md, Persistence)");

    @Test
    void onlyRepositoriesUseTheSqlClientOrNativeSql() {
        ONLY_REPOSITORIES_WRITE_SQL.check(PRODUCTION);
    }

    @Test
    void theRuleSeesTheRepositoriesAndRefusesSqlElsewhere() {
        // Guards the rule above against importing nothing or matching nothing.
        assertTrue(PRODUCTION.contain(ToolListingRepository.class));
        assertTrue(PRODUCTION.get(ToolListingRepository.class).getDirectDependenciesFromSelf().stream()
                .anyMatch(dependency -> dependency.getTargetClass().isEquivalentTo(Pool.class)));
        JavaClasses outside = new ClassFileImporter().importClasses(FeatureRunningItsOwnSql.class);
        assertTrue(ONLY_REPOSITORIES_WRITE_SQL.evaluate(outside).hasViolation());
        JavaClasses inside =
                new ClassFileImporter().importClasses(FixtureRepository.class, FixtureRepository.Rows.class);
        assertFalse(ONLY_REPOSITORIES_WRITE_SQL
                .allowEmptyShould(true)
                .evaluate(inside)
                .hasViolation());
    }

    private static boolean inARepository(JavaClass type) {
        for (JavaClass declaring = type;
                declaring != null;
                declaring = declaring.getEnclosingClass().orElse(null)) {
            if (declaring.getSimpleName().endsWith("Repository")) {
                return true;
            }
        }
        return false;
    }

    /** A feature class running its own statement: what the rule refuses. */
    static final class FeatureRunningItsOwnSql {
        Uni<?> names(Pool pool) {
            return pool.query("select name from tool_registry").execute();
        }
    }

    /** A repository and a class nested in it: where statements belong. */
    static final class FixtureRepository {
        Uni<?> names(Pool pool) {
            return pool.query("select name from tool_registry").execute();
        }

        static final class Rows {
            Uni<?> count(Pool pool) {
                return pool.query("select count(*) from tool_registry").execute();
            }
        }
    }
}
