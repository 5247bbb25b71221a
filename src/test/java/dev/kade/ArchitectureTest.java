package dev.kade;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The package map of docs/architecture.md, checked on the compiled classes (bytecode, so a fully qualified
 * name written inline counts as much as an import), and each rule shown to fail on a deliberately bad
 * fixture under {@code dev.kade.archfixture} (test code, never part of the product).
 */
class ArchitectureTest {
    /**
     * Where the product module's classes are on this classpath ({@code target/main/classes} in a reactor build,
     * {@code kade.jar} otherwise): only classes from there are the product, never the tests', the demo's or the
     * benchmarks' (other modules, other locations).
     */
    private static final String PRODUCT_ROOT = dev.kade.cli.Main.class.getProtectionDomain().getCodeSource().getLocation().toString();
    private static final JavaClasses PRODUCT = new ClassFileImporter()
            .withImportOption(location -> location.asURI().toString().contains(PRODUCT_ROOT))
            .importPackages("dev.kade");
    private static final JavaClasses FIXTURES = new ClassFileImporter().importPackages("dev.kade.archfixture");
    private static final PackageRules RULES = new PackageRules("dev.kade");
    private static final PackageRules FIXTURE_RULES = new PackageRules("dev.kade.archfixture");

    @Test
    void theProductIsWhatIsChecked() {
        assertThat(PRODUCT.stream().map(c -> c.getPackageName()).collect(Collectors.toSet()))
                .contains("dev.kade.stream", "dev.kade.app", "dev.kade.onnx", "dev.kade.config", "dev.kade.cli")
                .noneMatch(p -> p.startsWith("dev.kade.archfixture"));
    }

    @Test
    void noPackageCycles() {
        RULES.noCycles().check(PRODUCT);
    }

    @Test
    void streamDoesNotDependOnOnnxRuntime() {
        RULES.streamWithoutOnnxRuntime().check(PRODUCT);
    }

    @Test
    void noProductClassDependsOnTheBrokerOrTheDemo() {
        RULES.noBrokerInProduct().check(PRODUCT);
    }

    @Test
    void configIsALeaf() {
        RULES.configIsALeaf().check(PRODUCT);
    }

    @Test
    void eachPackageDependsOnlyOnWhatTheMapAllows() {
        RULES.allowedDependencies().forEach(rule -> rule.check(PRODUCT));
    }

    @Test
    void theMapNamesEveryProductPackage() {
        Set<String> packages = PRODUCT.stream().map(c -> c.getPackageName().substring("dev.kade".length()))
                .filter(p -> p.startsWith(".")).map(p -> p.substring(1).split("\\.")[0]).collect(Collectors.toSet());
        packages.removeAll(PackageRules.BROKER_PACKAGES);
        assertThat(PackageRules.ALLOWED.keySet()).as("a new package needs its line in the map").containsAll(packages);
    }

    // --- each rule fails when broken: the same rules over the bad fixtures ---

    @Test
    void aCycleIsReported() {
        assertViolated(FIXTURE_RULES.noCycles(), "cyclea", "cycleb");
    }

    @Test
    void streamUsingOnnxRuntimeIsReported() {
        assertViolated(FIXTURE_RULES.streamWithoutOnnxRuntime(), "UsesOnnxRuntime", "ai.onnxruntime.OrtEnvironment");
    }

    @Test
    void aProductClassUsingTheBrokerIsReported() {
        assertViolated(FIXTURE_RULES.noBrokerInProduct(), "StartsBroker", "archfixture.kafka.Broker");
    }

    @Test
    void configImportingAnotherKadePackageIsReported() {
        assertViolated(FIXTURE_RULES.configIsALeaf(), "ReadsOutput", "archfixture.output.Limits");
    }

    @Test
    void aDependencyTheMapDoesNotAllowIsReported() {
        // output may depend on features and model only; the fixture's output reaches into stream
        String report = FIXTURE_RULES.allowedDependencies().stream().map(r -> r.evaluate(FIXTURES))
                .filter(EvaluationResult::hasViolation).map(r -> r.getFailureReport().toString())
                .collect(Collectors.joining("\n"));
        assertThat(report).contains("output depends only on [", "archfixture.stream.UsesOnnxRuntime");
    }

    private static void assertViolated(ArchRule rule, String... expected) {
        EvaluationResult result = rule.evaluate(FIXTURES);
        assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
        assertThat(result.getFailureReport().toString()).contains(expected);
    }
}
