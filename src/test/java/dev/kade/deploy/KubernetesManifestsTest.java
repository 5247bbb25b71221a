package dev.kade.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.config.KadeConfig;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule;
import org.apache.kafka.streams.StreamsConfig;
import tools.jackson.databind.JsonNode;

/**
 * Renders the kustomize base and overlays with {@code kubectl kustomize} and checks every resulting
 * manifest against the Kubernetes schema (fabric8 model, unknown fields rejected), then checks the
 * operational promises the manifests make: hardened pods, probes on kade's health endpoints,
 * writable volumes where kade writes, credentials from Secrets, and selectors that select.
 */
class KubernetesManifestsTest {

    private static final String KUBECTL_HINT =
            "apt-get install kubectl (Kubernetes' apt repository) or any kubectl >= 1.27 with built-in kustomize";

    /** Rendered and validated once per kustomization for all tests of this class. */
    private static final Map<String, List<ManifestValidator.Validated>> RENDERED = new ConcurrentHashMap<>();

    private final ManifestValidator validator = new ManifestValidator();

    /** The Kafka settings Kafka itself types as passwords (Streams, consumer, producer and admin client). */
    private static final Set<String> KAFKA_PASSWORDS = Stream.of(StreamsConfig.configDef(), ConsumerConfig.configDef(),
                    ProducerConfig.configDef(), AdminClientConfig.configDef())
            .flatMap(d -> d.configKeys().values().stream()).filter(k -> k.type == ConfigDef.Type.PASSWORD)
            .map(k -> k.name).collect(Collectors.toUnmodifiableSet());

    /** The base and every overlay under k8s/overlays: each deploys kade. */
    static Stream<String> kadeKustomizations() throws IOException {
        try (Stream<Path> overlays = Files.list(RepoFiles.path("k8s/overlays"))) {
            return Stream.concat(Stream.of("k8s/base"), overlays.filter(Files::isDirectory)
                    .map(o -> "k8s/overlays/" + o.getFileName()).sorted().toList().stream());
        }
    }

    /** KADE_KAFKA_SSL_KEYSTORE_PASSWORD is Kafka's ssl.keystore.password (dots as underscores, KadeConfig's rule). */
    private static String kafkaKey(String variable) {
        return variable.substring("KADE_KAFKA_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
    }

    private List<ManifestValidator.Validated> render(String kustomization) {
        return RENDERED.computeIfAbsent(kustomization, this::renderAndValidate);
    }

    private List<ManifestValidator.Validated> renderAndValidate(String kustomization) {
        ExternalTool kubectl = ExternalTool.require("kubectl", KUBECTL_HINT);
        String yaml = kubectl.run(RepoFiles.root(), "kustomize", kustomization);
        List<JsonNode> documents = RepoFiles.yamlDocuments(yaml);
        assertThat(documents).as("documents rendered from %s", kustomization).isNotEmpty();
        List<String> problems = documents.stream().flatMap(d -> validator.problems(d).stream()).toList();
        assertThat(problems).as("schema problems in %s", kustomization).isEmpty();
        return documents.stream().map(validator::validated).toList();
    }

    /** Renders a kustomization under another root (a copy of k8s/ with overlays a test adds), validated, uncached. */
    private List<ManifestValidator.Validated> renderIn(Path root, String kustomization) {
        String yaml = ExternalTool.require("kubectl", KUBECTL_HINT).run(root, "kustomize", kustomization);
        List<JsonNode> documents = RepoFiles.yamlDocuments(yaml);
        List<String> problems = documents.stream().flatMap(d -> validator.problems(d).stream()).toList();
        assertThat(problems).as("schema problems in %s", kustomization).isEmpty();
        return documents.stream().map(validator::validated).toList();
    }

    /** A copy of the repository's k8s/ under {@code dir}, plus an overlay k8s/overlays/NAME with this kustomization. */
    private static Path withOverlay(Path dir, String name, String kustomization) throws IOException {
        Path from = RepoFiles.path("k8s");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = dir.resolve("k8s").resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path overlay = dir.resolve("k8s/overlays").resolve(name);
        Files.createDirectories(overlay);
        Files.writeString(overlay.resolve("kustomization.yaml"), kustomization);
        return dir;
    }

    /** The yaml code block of docs/operations.md that follows {@code marker}. */
    private static String docBlockAfter(String doc, String marker) {
        String text = RepoFiles.read(doc);
        int at = text.indexOf(marker);
        assertThat(at).as("%s in %s", marker, doc).isNotNegative();
        int open = text.indexOf("```yaml\n", at);
        int close = text.indexOf("\n```", open + 8);
        assertThat(open).as("a yaml block after %s", marker).isPositive();
        return text.substring(open + "```yaml\n".length(), close + 1);
    }

    private static <T extends HasMetadata> T only(List<ManifestValidator.Validated> all, Class<T> type) {
        List<T> found = all.stream().map(ManifestValidator.Validated::resource)
                .filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as("exactly one %s", type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    @ParameterizedTest
    @MethodSource("kadeKustomizations")
    void everyRenderedManifestMatchesTheKubernetesSchema(String kustomization) {
        List<ManifestValidator.Validated> resources = render(kustomization);

        assertThat(resources).extracting(v -> v.resource().getKind()).contains("ServiceAccount", "ConfigMap",
                "Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "PrometheusRule");
    }

    @ParameterizedTest
    @MethodSource("kadeKustomizations")
    void podsRunHardenedWithProbesOnKadesHealthEndpoints(String kustomization) {
        List<ManifestValidator.Validated> resources = render(kustomization);
        PodSpec pod = only(resources, Deployment.class).getSpec().getTemplate().getSpec();
        Container kade = pod.getContainers().get(0);

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getEnableServiceLinks()).as("no KADE_*_PORT service-link variables").isFalse();
        assertThat(kade.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(kade.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(kade.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

        assertThat(httpPath(kade.getLivenessProbe())).isEqualTo("/health/live");
        assertThat(httpPath(kade.getStartupProbe())).isEqualTo("/health/live");
        assertThat(httpPath(kade.getReadinessProbe())).isEqualTo("/health/ready");
        assertThat(kade.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(kade.getResources().getLimits()).containsKeys("cpu", "memory");
    }

    @ParameterizedTest
    @MethodSource("kadeKustomizations")
    void kadeWritesOnlyToEmptyDirsAndReadsConfigModelAndCredentialsFromTheirSources(String kustomization) {
        List<ManifestValidator.Validated> resources = render(kustomization);
        Deployment deployment = only(resources, Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container kade = pod.getContainers().get(0);
        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, Function.identity()));
        Map<String, VolumeMount> mounts = kade.getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getMountPath, Function.identity()));
        Properties config = kadeProperties(resources, volumes.get(mounts.get("/etc/kade").getName()));

        // ONNX Runtime unpacks its native library to java.io.tmpdir; Streams needs state.dir.
        assertThat(volumes.get(mounts.get("/tmp").getName()).getEmptyDir()).isNotNull();
        assertThat(config.getProperty("kafka.state.dir")).isNotBlank();
        assertThat(volumes.get(mounts.get(config.getProperty("kafka.state.dir")).getName()).getEmptyDir()).isNotNull();

        // The model is a directory mount of the kade-model ConfigMap (a subPath would never update), or, past
        // a ConfigMap's 1 MiB, comes from a model image: an image volume or an emptyDir an init container fills.
        String modelPath = config.getProperty("model.path");
        String modelDir = modelPath.substring(0, modelPath.lastIndexOf('/'));
        VolumeMount modelMount = mounts.get(modelDir);
        assertThat(modelMount).as("a mount at %s", modelDir).isNotNull();
        Volume model = volumes.get(modelMount.getName());
        if (model.getConfigMap() != null) {
            assertThat(modelMount.getSubPath()).isNull();
            assertThat(model.getConfigMap().getName()).isEqualTo("kade-model");
        } else if (model.getPersistentVolumeClaim() != null) {
            // k8s/components/model-lifecycle: the jobs write the claim, kade only reads it
            assertThat(model.getPersistentVolumeClaim().getReadOnly()).as("model claim read-only").isTrue();
            assertThat(modelMount.getSubPath()).isNull();
        } else if (model.getImage() == null) {
            assertThat(model.getEmptyDir()).as("model volume of %s", kustomization).isNotNull();
            assertThat(pod.getInitContainers()).as("an init container fills the model's emptyDir")
                    .anySatisfy(c -> assertThat(c.getVolumeMounts()).extracting(VolumeMount::getName).contains(model.getName()));
        }

        // Every emptyDir counts against the pod's ephemeral storage: their limits fit in the container's.
        long emptyDirs = pod.getVolumes().stream().filter(v -> v.getEmptyDir() != null)
                .mapToLong(v -> Quantity.getAmountInBytes(v.getEmptyDir().getSizeLimit()).longValue()).sum();
        assertThat(emptyDirs).as("emptyDir size limits of %s", kustomization)
                .isLessThanOrEqualTo(Quantity.getAmountInBytes(kade.getResources().getLimits().get("ephemeral-storage")).longValue());

        assertThat(config.getProperty("metrics.port")).isEqualTo(
                String.valueOf(kade.getPorts().get(0).getContainerPort()));
        assertThat(kade.getPorts().get(0).getName()).isEqualTo("metrics");
        for (String required : List.of("bootstrap.servers", "input.topics", "model.path")) {
            assertThat(config.getProperty(required)).as(required).isNotBlank();
        }
        assertThat(Long.parseLong(config.getProperty("shutdown.timeout.ms")) / 1000)
                .as("shutdown.timeout.ms fits in the grace period")
                .isLessThan(pod.getTerminationGracePeriodSeconds());

        // Credentials only from Secrets: no Kafka password-typed setting in the ConfigMap (a JAAS line without
        // a secret in it, as OAUTHBEARER's, excepted), and every one from the environment from a Secret.
        assertThat(config.stringPropertyNames()).filteredOn(k -> k.startsWith("kafka.") && KAFKA_PASSWORDS.contains(k.substring(6)))
                .allSatisfy(k -> assertThat(k).isEqualTo("kafka.sasl.jaas.config"));
        assertThat(config.getProperty("kafka.sasl.jaas.config", "")).doesNotContainIgnoringCase("password=")
                .doesNotContainIgnoringCase("secret=");
        assertThat(config.stringPropertyNames()).noneMatch(k -> k.contains("password") || k.contains("secret"));
        assertThat(kade.getEnv()).filteredOn(e -> e.getName().startsWith("KADE_KAFKA_")
                        && (KAFKA_PASSWORDS.contains(kafkaKey(e.getName())) || e.getName().contains("SECRET")))
                .allSatisfy(e -> assertThat(e.getValueFrom().getSecretKeyRef()).as(e.getName()).isNotNull());
    }

    @ParameterizedTest
    @MethodSource("kadeKustomizations")
    void selectorsSelectTheKadePods(String kustomization) {
        List<ManifestValidator.Validated> resources = render(kustomization);
        Deployment deployment = only(resources, Deployment.class);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        Service service = only(resources, Service.class);

        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(podLabels).containsAllEntriesOf(
                only(resources, PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(
                only(resources, NetworkPolicy.class).getSpec().getPodSelector().getMatchLabels());

        JsonNode serviceMonitor = resources.stream().filter(v -> v.resource().getKind().equals("ServiceMonitor"))
                .findFirst().orElseThrow().tree();
        Map<String, String> monitorSelector = RepoFiles.JSON.convertValue(
                serviceMonitor.path("spec").path("selector").path("matchLabels"),
                RepoFiles.JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
        assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(monitorSelector);
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getName())
                .contains(serviceMonitor.path("spec").path("endpoints").get(0).path("port").asString());
    }

    @Test
    void productionScalesWithAnAutoscalerThatOwnsTheReplicaCount() {
        List<ManifestValidator.Validated> resources = render("k8s/overlays/production");
        Deployment deployment = only(resources, Deployment.class);
        HorizontalPodAutoscaler hpa = only(resources, HorizontalPodAutoscaler.class);

        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(deployment.getSpec().getReplicas()).as("replicas left to the HPA").isNull();
        assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
        EnvVar jaas = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("KADE_KAFKA_SASL_JAAS_CONFIG")).findFirst().orElseThrow();
        assertThat(jaas.getValueFrom().getSecretKeyRef().getOptional()).as("credentials required").isFalse();
    }

    /** Documents of a kustomization rendered and schema-checked, as parsed JSON (for the operator kinds). */
    private List<JsonNode> documents(String kustomization, String kind) {
        render(kustomization);
        String yaml = ExternalTool.require("kubectl", KUBECTL_HINT).run(RepoFiles.root(), "kustomize", kustomization);
        return RepoFiles.yamlDocuments(yaml).stream().filter(d -> kind.equals(d.path("kind").asString())).toList();
    }

    private static Properties productionProperties() {
        return RepoFiles.properties(RepoFiles.read("k8s/overlays/production/kade.properties"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/overlays/production-keda", "k8s/overlays/strimzi-keda"})
    void kedaScalesOnTheInputsLagCappedAtWhatThePartitionsCanUse(String kustomization) {
        List<ManifestValidator.Validated> resources = render(kustomization);
        assertThat(resources).noneMatch(v -> v.resource() instanceof HorizontalPodAutoscaler);
        Deployment deployment = only(resources, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).as("replicas left to KEDA").isNull();
        JsonNode scaled = documents(kustomization, "ScaledObject").get(0);
        assertThat(scaled.path("spec").path("scaleTargetRef").path("name").asString())
                .isEqualTo(deployment.getMetadata().getName());
        assertThat(scaled.path("metadata").path("namespace").asString()).as("beside the Deployment it scales")
                .isEqualTo(deployment.getMetadata().getNamespace());

        Properties config = renderedKadeProperties(resources);
        JsonNode trigger = scaled.path("spec").path("triggers").get(0);
        assertThat(trigger.path("type").asString()).isEqualTo("kafka");
        JsonNode kafka = trigger.path("metadata");
        assertThat(kafka.path("consumerGroup").asString()).isEqualTo(config.getProperty("application.id"));
        assertThat(kafka.path("topic").asString()).isEqualTo(config.getProperty("input.topics"));
        assertThat(kafka.path("bootstrapServers").asString()).isEqualTo(config.getProperty("bootstrap.servers"));
        assertThat(kafka.path("allowIdleConsumers").asString()).isEqualTo("false");

        int partitions = inputPartitions(config.getProperty("input.topics"));
        int threads = Integer.parseInt(config.getProperty("kafka.num.stream.threads", "1"));
        assertThat(scaled.path("spec").path("maxReplicaCount").asInt()).as("useful replicas = partitions / threads")
                .isEqualTo(partitions / threads);
        HorizontalPodAutoscaler cpu = only(render("k8s/overlays/production"), HorizontalPodAutoscaler.class);
        assertThat(cpu.getSpec().getMaxReplicas()).isLessThanOrEqualTo(partitions / threads);
    }

    @Test
    void strimziUserHasExactlyTheAclsBothGuaranteesNeedOnTheConfiguredTopics() {
        Properties config = productionProperties();
        String app = config.getProperty("application.id");
        JsonNode user = documents("k8s/overlays/strimzi", "KafkaUser").get(0);
        assertThat(user.path("metadata").path("namespace").asString()).isEqualTo("kafka");
        Map<String, List<String>> acls = new java.util.TreeMap<>();
        user.path("spec").path("authorization").path("acls").forEach(acl -> acls.put(
                acl.path("resource").path("type").asString() + ":" + acl.path("resource").path("name").asString() + ":"
                        + acl.path("resource").path("patternType").asString(),
                acl.path("operations").valueStream().map(JsonNode::asString).sorted().toList()));

        Map<String, List<String>> expected = new java.util.TreeMap<>();
        for (String in : config.getProperty("input.topics").split(",")) {
            expected.put("topic:" + in.trim() + ":literal", List.of("Describe", "Read"));
        }
        for (String key : List.of("alert.topic", "scores.topic", "dead.letter.topic")) {
            expected.put("topic:" + config.getProperty(key) + ":literal", List.of("Create", "Describe", "Write"));
        }
        expected.put("group:" + app + ":literal", List.of("Describe", "Read"));
        expected.put("transactionalId:" + app + ":prefix", List.of("Describe", "Write"));
        assertThat(acls).isEqualTo(expected);

        List<String> topicNames = documents("k8s/overlays/strimzi", "KafkaTopic").stream()
                .map(t -> t.path("spec").path("topicName").asString()).toList();
        assertThat(topicNames).containsExactlyInAnyOrderElementsOf(expected.keySet().stream()
                .filter(k -> k.startsWith("topic:")).map(k -> k.split(":")[1]).toList());
    }

    private int inputPartitions(String inputTopic) {
        return documents("k8s/overlays/strimzi", "KafkaTopic").stream()
                .filter(t -> t.path("spec").path("topicName").asString().equals(inputTopic))
                .findFirst().orElseThrow().path("spec").path("partitions").asInt();
    }

    @Test
    void operatorKindsWithTyposAreRejected() {
        String user = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaUser
                metadata: {name: u, labels: {strimzi.io/cluster: k}}
                spec:
                  authorization:
                    type: simple
                    acls: [{resource: {type: topic, name: t}, operations: [Raed]}]
                """;
        assertThat(validator.problems(RepoFiles.yamlDocuments(user).get(0))).singleElement().asString().contains("Raed");
        String scaled = """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: s}
                spec:
                  scaleTargetRef: {name: kade}
                  maxReplicaCount: 3
                  triggers: [{type: kafka, metadata: {topic: t, lagTreshold: "5"}}]
                """;
        assertThat(validator.problems(RepoFiles.yamlDocuments(scaled).get(0))).singleElement().asString()
                .contains("lagTreshold");
    }

    @Test
    void validatorRejectsTypoedFieldsAndWrongTypes() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: typo}
                spec:
                  selector: {matchLabels: {app: x}}
                  template:
                    metadata: {labels: {app: x}}
                    spec:
                      containers:
                        - name: x
                          image: x
                          securityContext: {readOnlyRootFilesytem: true}
                """;
        assertThat(validator.problems(RepoFiles.yamlDocuments(deployment).get(0))).singleElement().asString()
                .contains("readOnlyRootFilesytem").contains("containers[0].securityContext");

        String wrongType = deployment.replace("selector:", "replicas: two\n  selector:");
        assertThat(validator.problems(RepoFiles.yamlDocuments(wrongType).get(0))).singleElement().asString()
                .contains("does not match the Kubernetes schema");

        String wrongApi = deployment.replace("apps/v1", "apps/v2");
        assertThat(validator.problems(RepoFiles.yamlDocuments(wrongApi).get(0))).singleElement().asString()
                .contains("unknown apiVersion/kind");

        String monitor = """
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: m}
                spec:
                  selector: {matchLabels: {app: x}}
                  endpoints: [{port: metrics, intervall: 15s}]
                """;
        assertThat(validator.problems(RepoFiles.yamlDocuments(monitor).get(0))).singleElement().asString()
                .contains("intervall");
        assertThatThrownBy(() -> validator.validated(RepoFiles.yamlDocuments(monitor).get(0)))
                .isInstanceOf(AssertionError.class);
    }

    /** kade's configuration as the pods of a rendered kustomization read it (the ConfigMap mounted at /etc/kade). */
    private static Properties renderedKadeProperties(List<ManifestValidator.Validated> resources) {
        PodSpec pod = only(resources, Deployment.class).getSpec().getTemplate().getSpec();
        String volume = pod.getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/etc/kade")).findFirst().orElseThrow().getName();
        return kadeProperties(resources, pod.getVolumes().stream().filter(v -> v.getName().equals(volume))
                .findFirst().orElseThrow());
    }

    private static List<JsonNode> trees(List<ManifestValidator.Validated> resources) {
        return resources.stream().map(ManifestValidator.Validated::tree).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/overlays/strimzi", "k8s/overlays/strimzi-keda", "k8s/overlays/strimzi-mtls"})
    void strimziOverlaysReferenceExactlyTheServicesSecretsAndKeysStrimziCreates(String kustomization) {
        List<ManifestValidator.Validated> resources = render(kustomization);
        StrimziModel strimzi = StrimziModel.of(trees(resources));
        assertThat(strimzi.users()).as("the overlay deploys kade's KafkaUser").isNotEmpty();
        Deployment kade = only(resources, Deployment.class);
        assertThat(strimzi.users().keySet()).as("the KafkaUser in kade's namespace, where its Secret is written")
                .allMatch(u -> u.startsWith(kade.getMetadata().getNamespace() + "/"));

        assertThat(strimzi.unresolved(trees(resources), renderedKadeProperties(resources)))
                .as("references of %s that Strimzi does not create", kustomization).isEmpty();
    }

    /**
     * kade's own configuration check (the one {@code kade run} does at start: every kafka.* key against Kafka's
     * ConfigDefs, JAAS parsed, Streams' validation) accepts what each overlay's pods read: the rendered
     * kade.properties plus their KADE_* environment, a Secret's value stood in for by one of its shape.
     */
    @ParameterizedTest
    @MethodSource("kadeKustomizations")
    void kadeAcceptsTheSettingsItsPodsRead(String kustomization) {
        List<ManifestValidator.Validated> resources = render(kustomization);
        Container kade = only(resources, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> settings = new java.util.TreeMap<>();
        renderedKadeProperties(resources).forEach((k, v) -> settings.put((String) k, (String) v));
        Map<String, String> env = new java.util.TreeMap<>();
        for (EnvVar e : kade.getEnv()) {
            String standIn = e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null
                    && e.getValueFrom().getSecretKeyRef().getKey().equals("sasl.jaas.config")
                    // What Strimzi's User Operator and the documented kubectl command put there.
                    ? "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"kade\" password=\"stand-in\";"
                    : "stand-in";
            env.put(e.getName(), e.getValue() != null ? e.getValue() : standIn);
        }
        settings.putAll(KadeConfig.fromEnvironment(env));

        assertThatCode(() -> KadeConfig.fromMap(settings)).as("kade's start-up check of %s", kustomization)
                .doesNotThrowAnyException();
    }

    @Test
    void oauthbearerOverlayUsesKafkasBuiltInLoginWithClientCredentialsFromASecret() throws ClassNotFoundException {
        List<ManifestValidator.Validated> resources = render("k8s/overlays/production-oauthbearer");
        Properties config = renderedKadeProperties(resources);
        Container kade = only(resources, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, EnvVar> env = kade.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, Function.identity()));

        assertThat(config.getProperty("kafka.security.protocol")).isEqualTo("SASL_SSL");
        assertThat(config.getProperty("kafka.sasl.mechanism")).isEqualTo("OAUTHBEARER");
        assertThat(Class.forName(config.getProperty("kafka.sasl.login.callback.handler.class")))
                .isEqualTo(OAuthBearerLoginCallbackHandler.class);
        assertThat(Class.forName(config.getProperty("kafka.sasl.jaas.config").split("\\s+")[0]))
                .isEqualTo(OAuthBearerLoginModule.class);
        assertThat(env).doesNotContainKey("KADE_KAFKA_SASL_JAAS_CONFIG");
        for (String key : List.of(SaslConfigs.SASL_OAUTHBEARER_CLIENT_CREDENTIALS_CLIENT_ID,
                SaslConfigs.SASL_OAUTHBEARER_CLIENT_CREDENTIALS_CLIENT_SECRET)) {
            EnvVar variable = env.get("KADE_KAFKA_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
            assertThat(variable).as(key).isNotNull();
            assertThat(variable.getValueFrom().getSecretKeyRef().getName()).isEqualTo("kade-kafka-oauth");
        }
        // Kafka 4 calls only token endpoints listed in this system property; its default lists none.
        String url = config.getProperty("kafka." + SaslConfigs.SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL);
        assertThat(url).startsWith("https://");
        assertThat(env.get("JAVA_TOOL_OPTIONS").getValue().split("\\s+"))
                .anySatisfy(option -> assertThat(option).startsWith("-D" + BrokerSecurityConfigs.ALLOWED_SASL_OAUTHBEARER_URLS_CONFIG + "=")
                        .satisfies(o -> assertThat(List.of(o.substring(o.indexOf('=') + 1).split(","))).contains(url)));
        assertThat(only(resources, NetworkPolicy.class).getSpec().getEgress()).as("egress to the token endpoint")
                .anySatisfy(rule -> assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).contains(443));
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/overlays/production-model-image", "k8s/overlays/production-model-init"})
    void modelsBeyondAConfigMapsLimitComeFromAModelImageAtTheSameModelPath(String kustomization) {
        List<ManifestValidator.Validated> resources = render(kustomization);
        PodSpec pod = only(resources, Deployment.class).getSpec().getTemplate().getSpec();
        Container kade = pod.getContainers().get(0);
        Properties config = renderedKadeProperties(resources);
        String modelPath = config.getProperty("model.path");
        assertThat(modelPath).as("the same model.path as with the ConfigMap")
                .isEqualTo(renderedKadeProperties(render("k8s/overlays/production")).getProperty("model.path"));
        VolumeMount mount = kade.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(modelPath.substring(0, modelPath.lastIndexOf('/')))).findFirst().orElseThrow();
        assertThat(mount.getReadOnly()).isTrue();
        Volume model = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertThat(pod.getVolumes()).as("no ConfigMap holds the model").noneMatch(v -> v.getConfigMap() != null
                && v.getConfigMap().getName().equals("kade-model"));

        String modelImage;
        if (kustomization.endsWith("image")) {
            // Image volume (Kubernetes 1.33+): the image's /model directory at the model's directory.
            assertThat(model.getImage()).isNotNull();
            assertThat(mount.getSubPath()).isEqualTo("model");
            modelImage = model.getImage().getReference();
        } else {
            // Init container: copies the image's /model directory into the emptyDir kade reads.
            assertThat(model.getEmptyDir()).isNotNull();
            assertThat(Quantity.getAmountInBytes(model.getEmptyDir().getSizeLimit()).longValue())
                    .as("room for a model up to model.max.bytes' default").isGreaterThan(KadeConfig.DEFAULT_MODEL_MAX_BYTES);
            Container init = pod.getInitContainers().stream().filter(c -> c.getVolumeMounts().stream()
                    .anyMatch(m -> m.getName().equals(model.getName()))).findFirst().orElseThrow();
            String target = init.getVolumeMounts().stream().filter(m -> m.getName().equals(model.getName()))
                    .findFirst().orElseThrow().getMountPath();
            assertThat(init.getCommand()).containsExactly("cp", "-R", "/model/.", target + "/");
            assertThat(init.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(init.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(init.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(init.getResources().getLimits()).containsKeys("cpu", "memory");
            modelImage = init.getImage();
        }
        assertThat(modelImage).as("the overlay's images: set the model image's release")
                .isEqualTo("registry.example.com/kade/model:1.0.0").isNotEqualTo(kade.getImage());
    }

    @Test
    void theStrimziCheckFindsWhatTheProductionOverlayBesideStrimziResourcesLeftToCopyByHand() {
        // The shipped set-up before: kade from production-keda in namespace kade, KafkaTopics and KafkaUser in kafka.
        List<JsonNode> documents = new java.util.ArrayList<>(trees(render("k8s/overlays/production-keda")));
        trees(render("k8s/overlays/strimzi")).stream()
                .filter(d -> d.path("kind").asString().startsWith("Kafka")).forEach(documents::add);

        List<String> unresolved = StrimziModel.of(documents).unresolved(documents,
                renderedKadeProperties(render("k8s/overlays/production")));

        assertThat(String.join("\n", unresolved)).contains("Service kafka/kafka-bootstrap is not created by Strimzi",
                "Secret kade/kade-kafka-credentials is not created", "Secret kade/kade-kafka-ca is not created",
                "Secret kade/kade-kafka-keda is not created");
    }

    @Test
    void networkPolicyDnsAndPrometheusRulesAreChosenPerOverlay(@TempDir Path dir) throws IOException {
        NetworkPolicy production = only(render("k8s/overlays/production"), NetworkPolicy.class);
        NetworkPolicyEgressRule kafkaRule = production.getSpec().getEgress().get(1);
        assertThat(namespaces(production.getSpec().getEgress().get(0).getTo())).containsExactly("kube-system");
        assertThat(namespaces(production.getSpec().getIngress().get(0).getFrom())).containsExactly("monitoring");
        assertThat(namespaces(kafkaRule.getTo())).containsExactly("kafka");

        // The overlay docs/operations.md shows, as written there: NodeLocal DNSCache and another monitoring namespace.
        String documented = docBlockAfter("docs/operations.md", "An overlay of your own on top of production");
        NetworkPolicy mine = only(renderIn(withOverlay(dir, "mine", documented), "k8s/overlays/mine"), NetworkPolicy.class);
        NetworkPolicyEgressRule dns = mine.getSpec().getEgress().get(0);
        assertThat(dns.getTo()).as("DNS to any destination: NodeLocal DNSCache answers from the node").isEmpty();
        assertThat(dns.getPorts()).extracting(p -> p.getPort().getIntVal() + "/" + p.getProtocol())
                .containsExactlyInAnyOrder("53/UDP", "53/TCP");
        assertThat(namespaces(mine.getSpec().getIngress().get(0).getFrom())).containsExactly("observability");
        assertThat(mine.getSpec().getEgress().get(1)).as("the Kafka rule untouched").isEqualTo(kafkaRule);

        // OpenShift: its DNS operator's pods on 5353 and the user-workload Prometheus.
        String openshift = documented.replace("../../components/networkpolicy-nodelocal-dns",
                "../../components/networkpolicy-openshift");
        NetworkPolicy os = only(renderIn(withOverlay(dir, "openshift", openshift), "k8s/overlays/openshift"),
                NetworkPolicy.class);
        NetworkPolicyEgressRule osDns = os.getSpec().getEgress().get(0);
        assertThat(namespaces(osDns.getTo())).containsExactly("openshift-dns");
        assertThat(osDns.getTo().get(0).getPodSelector().getMatchLabels())
                .containsEntry("dns.operator.openshift.io/daemonset-dns", "default");
        assertThat(osDns.getPorts()).extracting(p -> p.getPort().getIntVal() + "/" + p.getProtocol())
                .contains("5353/UDP", "5353/TCP");
        assertThat(os.getSpec().getEgress()).as("no rule left for kube-system's kube-dns")
                .noneMatch(r -> namespaces(r.getTo()).contains("kube-system"));
        assertThat(os.getSpec().getEgress().get(1)).isEqualTo(kafkaRule);

        String openshiftNoPatch = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../production]\n"
                + "components: [../../components/networkpolicy-openshift]\n";
        NetworkPolicy osDefault = only(renderIn(withOverlay(dir, "openshift-plain", openshiftNoPatch),
                "k8s/overlays/openshift-plain"), NetworkPolicy.class);
        assertThat(namespaces(osDefault.getSpec().getIngress().get(0).getFrom()))
                .containsExactly("openshift-user-workload-monitoring");
    }

    private static List<String> namespaces(List<NetworkPolicyPeer> peers) {
        return peers.stream().map(p -> p.getNamespaceSelector() == null ? "(own)"
                : p.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name")).toList();
    }

    private static String httpPath(Probe probe) {
        assertThat(probe).isNotNull();
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
        return probe.getHttpGet().getPath();
    }

    private static Properties kadeProperties(List<ManifestValidator.Validated> resources, Volume configVolume) {
        String name = configVolume.getConfigMap().getName();
        ConfigMap configMap = resources.stream().map(ManifestValidator.Validated::resource)
                .filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(c -> c.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("ConfigMap " + name + " is mounted but not rendered"));
        return RepoFiles.properties(configMap.getData().get("kade.properties"));
    }

    /**
     * The time-series overlay makes room for a windowed model's entity stores (docs/time-series.md, "Deploying a
     * windowed model"): a million seasonal entities (1,105 live bytes each, State size) and half again for compaction,
     * within the container's ephemeral storage; the base keeps its small volume for per-record models.
     */
    @Test
    void theTimeSeriesOverlayHasRoomForAMillionSeasonalEntities() throws Exception {
        List<ManifestValidator.Validated> resources = render("k8s/overlays/production-time-series");
        Deployment deployment = only(resources, Deployment.class);
        Properties config = renderedKadeProperties(resources);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container kade = pod.getContainers().get(0);
        String stateVolume = kade.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(config.getProperty("kafka.state.dir"))).findFirst().orElseThrow().getName();
        long state = pod.getVolumes().stream().filter(v -> v.getName().equals(stateVolume)).findFirst().orElseThrow()
                .getEmptyDir().getSizeLimit().getNumericalAmount().longValue();
        assertThat(state).isGreaterThanOrEqualTo((long) (1_000_000 * 1_105 * 1.5));
        long base = only(render("k8s/base"), Deployment.class).getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(stateVolume)).findFirst().orElseThrow()
                .getEmptyDir().getSizeLimit().getNumericalAmount().longValue();
        assertThat(base).isLessThan(state);
    }
}
