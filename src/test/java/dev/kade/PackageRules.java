package dev.kade;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kade's package rules (docs/architecture.md), written once over a root package so that the same rules
 * check the product ({@code dev.kade}) and the deliberately bad fixtures under {@code dev.kade.archfixture}
 * that prove each rule fails when broken.
 */
final class PackageRules {
    /** Which of kade's own packages each product package may depend on (besides itself and the JDK and libraries). */
    static final Map<String, Set<String>> ALLOWED = allowed();
    /** Where the in-process broker and the demo live: never on the product's path. */
    static final Set<String> BROKER_PACKAGES = Set.of("kafka", "demo");

    private final String root;

    PackageRules(String root) {
        this.root = root;
    }

    private static Map<String, Set<String>> allowed() {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        m.put("config", Set.of());
        m.put("model", Set.of("series"));
        m.put("health", Set.of());
        m.put("features", Set.of("input", "model"));
        m.put("input", Set.of());
        m.put("output", Set.of("features", "model"));
        m.put("series", Set.of());
        m.put("entity", Set.of("model", "output", "series"));
        m.put("incident", Set.of("output"));
        m.put("drift", Set.of("model"));
        m.put("topic", Set.of());
        m.put("lifecycle", Set.of("topic"));
        m.put("metrics", Set.of("drift", "entity", "health", "incident", "model", "output"));
        m.put("logging", Set.of("config"));
        m.put("admin", Set.of("config"));
        m.put("train", Set.of("features", "model", "series"));
        m.put("onnx", Set.of("model", "series"));
        m.put("export", Set.of("features", "model", "onnx", "series", "train"));
        m.put("eval", Set.of("features", "model", "onnx", "train"));
        m.put("tune", Set.of("eval", "features", "model", "train"));
        m.put("stream", Set.of("entity", "features", "incident", "input", "metrics", "model", "output", "series"));
        m.put("backtest", Set.of("entity", "features", "incident", "input", "metrics", "model", "output", "series", "stream", "topic"));
        m.put("app", Set.of("admin", "config", "drift", "entity", "health", "incident", "input", "metrics", "model", "onnx", "output", "stream"));
        m.put("cli", Set.of("admin", "app", "backtest", "config", "drift", "entity", "eval", "export", "features", "input", "lifecycle", "logging", "model",
                "onnx", "series", "topic", "train", "tune"));
        return m;
    }

    private String pkg(String name) {
        return root + "." + name + "..";
    }

    /** No package cycle anywhere under the root (demo and broker included). */
    ArchRule noCycles() {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }

    /** The scoring topology never touches ONNX Runtime: it scores through the {@code Scorer} interface. */
    ArchRule streamWithoutOnnxRuntime() {
        return noClasses().that().resideInAPackage(pkg("stream"))
                .should().dependOnClassesThat().resideInAPackage("ai.onnxruntime..")
                .because("the topology is tested without ONNX Runtime; only onnx serves a model file");
    }

    /** No product class depends on the in-process broker, Kafka's server or tools, or the demo. */
    ArchRule noBrokerInProduct() {
        String[] broker = {"kafka.server..", "kafka.tools..", "org.apache.kafka.server..", pkg("kafka"), pkg("demo")};
        return noClasses().that().resideInAPackage(root + "..")
                .and().resideOutsideOfPackages(pkg("kafka"), pkg("demo"))
                .should().dependOnClassesThat().resideInAnyPackage(broker)
                .because("the broker is for the demo and tests; kade.jar must run against a real cluster");
    }

    /** {@code config} depends on no other kade package. */
    ArchRule configIsALeaf() {
        return noClasses().that().resideInAPackage(pkg("config"))
                .should().dependOnClassesThat(resideInAPackage(root + "..").and(not(resideInAPackage(pkg("config")))))
                .because("every command reads settings; settings must not pull in what they configure");
    }

    /** Each package depends only on the kade packages {@link #ALLOWED} names (and on anything outside kade). */
    List<ArchRule> allowedDependencies() {
        List<ArchRule> rules = new ArrayList<>();
        ALLOWED.forEach((name, allowed) -> {
            List<String> ok = new ArrayList<>();
            ok.add(pkg(name));
            allowed.forEach(a -> ok.add(pkg(a)));
            rules.add(classes().that().resideInAPackage(pkg(name))
                    .should().onlyDependOnClassesThat(not(resideInAPackage(root + "..")).or(resideInAnyPackage(ok.toArray(String[]::new))))
                    .allowEmptyShould(true)
                    .as(name + " depends only on " + (allowed.isEmpty() ? "no other kade package" : allowed)));
        });
        return rules;
    }
}
