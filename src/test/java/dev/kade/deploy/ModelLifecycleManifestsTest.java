package dev.kade.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;
import dev.kade.cli.Main;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * k8s/overlays/production-lifecycle (the component k8s/components/model-lifecycle), rendered with kubectl kustomize and
 * schema-checked: the retrain writes where the pods' shadow reads, promotion and rollback work on the files the pods
 * serve, with options kade promote and kade rollback really have, and may read the pods' metrics.
 */
class ModelLifecycleManifestsTest {
    private static final String OVERLAY = "k8s/overlays/production-lifecycle";
    private static List<HasMetadata> resources;

    @BeforeAll
    static void render() {
        String yaml = ExternalTool.require("kubectl", "kubectl >= 1.27 with built-in kustomize").run(RepoFiles.root(), "kustomize", OVERLAY);
        ManifestValidator validator = new ManifestValidator();
        List<JsonNode> documents = RepoFiles.yamlDocuments(yaml);
        assertThat(documents.stream().flatMap(d -> validator.problems(d).stream()).toList()).isEmpty();
        resources = documents.stream().map(validator::validated).map(ManifestValidator.Validated::resource).toList();
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static CronJob cronJob(String name) {
        return all(CronJob.class).stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    private static Container container(CronJob job) {
        return job.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static String script(CronJob job) {
        return String.join(" ", container(job).getArgs());
    }

    private static String claim(PodSpec pod) {
        return pod.getVolumes().stream().map(Volume::getPersistentVolumeClaim).filter(java.util.Objects::nonNull)
                .findFirst().orElseThrow().getClaimName();
    }

    @Test
    void theRetrainWritesTheShadowSlotThePodsReadOnTheSameClaim() {
        Deployment deployment = all(Deployment.class).get(0);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        String shadow = pod.getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals("KADE_MODEL_SHADOW_PATH"))
                .map(EnvVar::getValue).findFirst().orElseThrow();
        CronJob retrain = cronJob("kade-retrain");
        assertThat(retrain.getSpec().getSuspend()).as("retrains on its schedule").isNotEqualTo(Boolean.TRUE);
        assertThat(retrain.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
        assertThat(script(retrain)).contains("train --from-topic").contains("mv -f /models/shadow/.candidate.onnx " + shadow);
        String claim = claim(pod);
        assertThat(all(PersistentVolumeClaim.class)).singleElement().satisfies(pvc -> {
            assertThat(pvc.getMetadata().getName()).isEqualTo(claim);
            assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
        });
        assertThat(claim(retrain.getSpec().getJobTemplate().getSpec().getTemplate().getSpec())).isEqualTo(claim);
        assertThat(pod.getVolumes()).noneMatch(v -> v.getConfigMap() != null && v.getConfigMap().getName().equals("kade-model"));
    }

    @Test
    void promoteAndRollbackAreSuspendedTemplatesWhoseOptionsExistAndReadTheCriteriaConfigMap() {
        CommandLine cli = Main.commandLine();
        for (String name : List.of("kade-promote", "kade-rollback")) {
            CronJob job = cronJob(name);
            assertThat(job.getSpec().getSuspend()).as("%s runs only when started", name).isTrue();
            String command = name.substring("kade-".length());
            String script = script(job);
            assertThat(script).contains("kade.jar " + command + " --model /models/model.onnx");
            CommandLine.Model.CommandSpec spec = cli.getSubcommands().get(command).getCommandSpec();
            Matcher options = Pattern.compile("(?<=\\s)--[a-z-]+").matcher(script);
            int found = 0;
            while (options.find()) {
                assertThat(spec.findOption(options.group())).as("%s has option %s", command, options.group()).isNotNull();
                found++;
            }
            assertThat(found).isGreaterThanOrEqualTo(2);
            String configMap = container(job).getEnvFrom().get(0).getConfigMapRef().getName();
            ConfigMap criteria = all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(configMap))
                    .findFirst().orElseThrow();
            for (Matcher m = Pattern.compile("\\$([A-Z_]+)").matcher(script); m.find(); ) {
                assertThat(criteria.getData()).as("%s reads $%s", name, m.group(1)).containsKey(m.group(1));
            }
        }
        // the promotion's refusal and the defaults name the same criteria
        assertThat(script(cronJob("kade-promote"))).contains("--min-rank-correlation", "--min-alert-overlap",
                "--max-alert-rate", "--min-records", "--min-age");
    }

    @Test
    void theJobsMayReadThePodsMetrics() {
        List<String> admitted = all(NetworkPolicy.class).stream().flatMap(n -> n.getSpec().getIngress().stream())
                .filter(rule -> rule.getPorts() != null && rule.getPorts().stream()
                        .anyMatch(p -> p.getPort() != null && Integer.valueOf(9404).equals(p.getPort().getIntVal())))
                .flatMap(rule -> rule.getFrom() == null ? java.util.stream.Stream.empty() : rule.getFrom().stream())
                .filter(peer -> peer.getPodSelector() != null && peer.getPodSelector().getMatchExpressions() != null)
                .flatMap(peer -> peer.getPodSelector().getMatchExpressions().stream())
                .filter(e -> e.getKey().equals("app.kubernetes.io/name") && e.getOperator().equals("In"))
                .flatMap(e -> e.getValues().stream()).toList();
        assertThat(admitted).contains("kade-promote", "kade-rollback");
    }
}
