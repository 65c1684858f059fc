package ai.prometheus.shared.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.platform.persistence.NativeSql;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SQL rule refuses statements outside repositories and lets repositories (and their nested classes) be. */
class SqlInRepositoriesTest {

    @Test
    void aFeatureClassRunningItsOwnSqlIsRefused() {
        JavaClasses outside = new ClassFileImporter().importClasses(FeatureRunningItsOwnSql.class);
        assertTrue(SqlInRepositories.RULE.evaluate(outside).hasViolation());
        JavaClasses nativeSql = new ClassFileImporter().importClasses(FeatureUsingNativeSql.class);
        assertTrue(SqlInRepositories.RULE.evaluate(nativeSql).hasViolation());
    }

    @Test
    void aRepositoryAndTheClassesNestedInItMayRunSql() {
        JavaClasses inside =
                new ClassFileImporter().importClasses(FixtureRepository.class, FixtureRepository.Rows.class);
        assertFalse(
                SqlInRepositories.RULE.allowEmptyShould(true).evaluate(inside).hasViolation());
    }

    /** A feature class running its own statement: what the rule refuses. */
    static final class FeatureRunningItsOwnSql {
        Uni<?> names(Pool pool) {
            return pool.query("select name from tools").execute();
        }
    }

    /** Native SQL through the platform helper, outside a repository: refused too. */
    static final class FeatureUsingNativeSql {
        Uni<?> names() {
            return NativeSql.update("delete from tools", Map.of());
        }
    }

    /** A repository and a class nested in it: where statements belong. */
    static final class FixtureRepository {
        Uni<?> names(Pool pool) {
            return pool.query("select name from tools").execute();
        }

        static final class Rows {
            Uni<?> count(Pool pool) {
                return pool.query("select count(*) from tools").execute();
            }
        }
    }
}
