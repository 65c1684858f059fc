package ai.prometheus.shared.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import ai.prometheus.shared.platform.persistence.NativeSql;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The suite's rule that hand-written SQL lives only in repositories (ARCHITECTURE.md,
 * Persistence): only a class whose simple name ends with {@code Repository}, or a class nested in
 * one, may use the Vert.x SQL client, {@code NativeSql} or a Hibernate session's native queries
 * (and a pool creator, which configures the client's pool and sends nothing).
 * Everything else reaches the database through a repository's methods. Each service calls
 * {@link #assertOnlyRepositories} from a plain JUnit test.
 */
public final class SqlInRepositories {

    /** Builds the reactive pool (its options, such as the prepared-statement cache); writes no SQL. */
    private static final String POOL_CREATOR = "io.quarkus.reactive.pg.client.PgPoolCreator";

    private static final DescribedPredicate<JavaClass> OUTSIDE_REPOSITORIES = DescribedPredicate.describe(
            "are neither a class whose simple name ends with Repository nor nested in one, nor a pool creator",
            type -> !inARepository(type) && !isPoolCreator(type));

    /** The rule itself, for a module's own checks over classes it has read. */
    public static final ArchRule RULE = noClasses()
            .that(OUTSIDE_REPOSITORIES)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.mutiny.sqlclient..")
            .orShould()
            .dependOnClassesThat()
            .belongToAnyOf(NativeSql.class)
            .orShould()
            .callMethodWhere(JavaCall.Predicates.target(HasName.Predicates.name("createNativeQuery")))
            .because("hand-written SQL lives only in repositories (ARCHITECTURE.md, Persistence)");

    private SqlInRepositories() {}

    /** Fails, naming each class and the SQL it uses, among the production classes under {@code basePackage}. */
    public static void assertOnlyRepositories(String basePackage) {
        RULE.check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(basePackage));
    }

    private static boolean isPoolCreator(JavaClass type) {
        return type.getAllRawInterfaces().stream().anyMatch(implemented -> POOL_CREATOR.equals(implemented.getName()));
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
}
