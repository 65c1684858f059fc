package ai.prometheus.shared.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

class PackageCyclesTest {

    @Test
    void sharedModelPackagesFormNoCycle() {
        PackageCycles.assertNone("ai.prometheus.shared");
    }

    @Test
    void twoPackagesUsingEachOtherAreRefusedAndNamed() {
        String fixture = "ai.prometheus.shared.testing.cycles";
        AssertionError refused = assertThrows(
                AssertionError.class,
                () -> PackageCycles.assertNone(fixture, new ClassFileImporter().importPackages(fixture)));
        assertTrue(
                refused.getMessage().contains("left") && refused.getMessage().contains("right"), refused.getMessage());
    }
}
