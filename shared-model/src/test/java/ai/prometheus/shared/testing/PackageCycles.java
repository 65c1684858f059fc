package ai.prometheus.shared.testing;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The suite's rule that no two packages of a module depend on each other, directly or through
 * others: a feature package may use the ones below it, never one that uses it back. Each module
 * calls {@link #assertNone} from a plain JUnit test (no Quarkus needed: it reads class files).
 */
public final class PackageCycles {

    private PackageCycles() {}

    /** Fails, naming every cycle and the dependencies that close it, among the production classes under {@code basePackage}. */
    public static void assertNone(String basePackage) {
        assertNone(
                basePackage,
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages(basePackage));
    }

    /** The same rule over classes already read; every package (a sub-package too) is a slice of its own. */
    public static void assertNone(String basePackage, JavaClasses classes) {
        slices().matching(basePackage + ".(**)")
                .namingSlices("$1")
                .should()
                .beFreeOfCycles()
                .check(classes);
    }
}
