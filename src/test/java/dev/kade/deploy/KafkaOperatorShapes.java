package dev.kade.deploy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Structural checks of the Strimzi ({@code kafka.strimzi.io/v1beta2} KafkaTopic, KafkaUser) and KEDA
 * ({@code keda.sh/v1alpha1} ScaledObject, TriggerAuthentication) resources kade ships, whose Java models are
 * not available offline: the fields kade could use, from the operators' CRDs; anything else is an unknown
 * field (a typo), and the enumerated values (ACL operations, resource types) must be ones the operator knows.
 */
final class KafkaOperatorShapes {
    private static final Map<String, Set<String>> KINDS = Map.of(
            "kafka.strimzi.io/v1beta2", Set.of("KafkaTopic", "KafkaUser"),
            "keda.sh/v1alpha1", Set.of("ScaledObject", "TriggerAuthentication"));

    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
    private static final Set<String> METADATA = Set.of("name", "namespace", "labels", "annotations");
    private static final Set<String> TOPIC_SPEC = Set.of("topicName", "partitions", "replicas", "config");
    private static final Set<String> USER_SPEC = Set.of("authentication", "authorization", "quotas", "template");
    private static final Set<String> AUTHENTICATION = Set.of("type", "password");
    private static final Set<String> AUTHORIZATION = Set.of("type", "acls");
    private static final Set<String> ACL = Set.of("resource", "type", "operations", "host");
    private static final Set<String> ACL_RESOURCE = Set.of("type", "name", "patternType");
    private static final Set<String> ACL_TYPES = Set.of("topic", "group", "cluster", "transactionalId");
    private static final Set<String> ACL_OPERATIONS = Set.of("Read", "Write", "Create", "Delete", "Alter", "Describe",
            "ClusterAction", "AlterConfigs", "DescribeConfigs", "IdempotentWrite", "All");
    private static final Set<String> SCALED_OBJECT_SPEC = Set.of("scaleTargetRef", "pollingInterval", "cooldownPeriod",
            "initialCooldownPeriod", "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "advanced", "triggers",
            "fallback");
    private static final Set<String> TRIGGER = Set.of("type", "name", "metadata", "authenticationRef", "metricType",
            "useCachedMetrics");
    /** KEDA's Kafka scaler parameters (keda.sh/docs/latest/scalers/apache-kafka). */
    private static final Set<String> KAFKA_TRIGGER = Set.of("bootstrapServers", "consumerGroup", "topic",
            "partitionLimitation", "lagThreshold", "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers",
            "excludePersistentLag", "scaleToZeroOnInvalidOffset", "limitToPartitionsWithLag", "ensureEvenDistributionOfPartitions",
            "version", "sasl", "tls", "unsafeSsl");
    private static final Set<String> TRIGGER_AUTH_SPEC = Set.of("secretTargetRef", "env", "hashiCorpVault", "podIdentity",
            "azureKeyVault", "configMapTargetRef");
    private static final Set<String> SECRET_TARGET = Set.of("parameter", "name", "key");

    private KafkaOperatorShapes() {}

    static boolean knows(String apiVersion, String kind) {
        return KINDS.getOrDefault(apiVersion, Set.of()).contains(kind);
    }

    static void check(String label, JsonNode doc, List<String> problems) {
        Check c = new Check(label, problems);
        c.fields(doc, "top level", TOP);
        c.fields(doc.path("metadata"), "metadata", METADATA);
        JsonNode spec = doc.path("spec");
        switch (doc.path("kind").asString()) {
            case "KafkaTopic" -> {
                c.fields(spec, "spec", TOPIC_SPEC);
                c.positiveInt(spec, "spec.partitions");
                c.positiveInt(spec, "spec.replicas");
                c.cluster(doc);
            }
            case "KafkaUser" -> user(c, doc, spec);
            case "ScaledObject" -> scaledObject(c, spec);
            case "TriggerAuthentication" -> {
                c.fields(spec, "spec", TRIGGER_AUTH_SPEC);
                spec.path("secretTargetRef").forEach(r -> c.fields(r, "spec.secretTargetRef[]", SECRET_TARGET));
                spec.path("configMapTargetRef").forEach(r -> c.fields(r, "spec.configMapTargetRef[]", SECRET_TARGET));
            }
            default -> throw new IllegalArgumentException(doc.path("kind").asString());
        }
    }

    private static void user(Check c, JsonNode doc, JsonNode spec) {
        c.fields(spec, "spec", USER_SPEC);
        c.fields(spec.path("authentication"), "spec.authentication", AUTHENTICATION);
        c.fields(spec.path("authorization"), "spec.authorization", AUTHORIZATION);
        c.cluster(doc);
        JsonNode acls = spec.path("authorization").path("acls");
        if (!acls.isArray() || acls.isEmpty()) {
            c.problem("spec.authorization.acls must be a non-empty list");
        }
        for (JsonNode acl : acls) {
            c.fields(acl, "acl", ACL);
            c.fields(acl.path("resource"), "acl.resource", ACL_RESOURCE);
            if (!ACL_TYPES.contains(acl.path("resource").path("type").asString(""))) {
                c.problem("acl resource type must be one of " + ACL_TYPES + ", not " + acl.path("resource").path("type"));
            }
            if (!acl.path("operations").isArray() || acl.path("operations").isEmpty()) {
                c.problem("acl on " + acl.path("resource").path("name") + " needs operations");
            }
            acl.path("operations").forEach(op -> {
                if (!ACL_OPERATIONS.contains(op.asString(""))) {
                    c.problem("unknown ACL operation " + op);
                }
            });
        }
    }

    private static void scaledObject(Check c, JsonNode spec) {
        c.fields(spec, "spec", SCALED_OBJECT_SPEC);
        c.positiveInt(spec, "spec.maxReplicaCount");
        if (!spec.path("scaleTargetRef").path("name").isString()) {
            c.problem("spec.scaleTargetRef.name must be a string");
        }
        for (JsonNode t : spec.path("triggers")) {
            c.fields(t, "spec.triggers[]", TRIGGER);
            if ("kafka".equals(t.path("type").asString(""))) {
                c.fields(t.path("metadata"), "kafka trigger metadata", KAFKA_TRIGGER);
                t.path("metadata").properties().forEach(e -> {
                    if (!e.getValue().isString()) {
                        c.problem("kafka trigger metadata." + e.getKey() + " must be a string, not " + e.getValue());
                    }
                });
            }
        }
    }

    private record Check(String label, List<String> problems) {
        void problem(String message) {
            problems.add(label + ": " + message);
        }

        void fields(JsonNode node, String path, Set<String> allowed) {
            if (node.isMissingNode()) {
                return;
            }
            node.propertyNames().forEach(name -> {
                if (!allowed.contains(name)) {
                    problem("unknown field [" + name + "] at " + path);
                }
            });
        }

        void positiveInt(JsonNode spec, String path) {
            JsonNode v = spec.path(path.substring(path.lastIndexOf('.') + 1));
            if (!v.isIntegralNumber() || v.asInt() < 1) {
                problem(path + " must be a positive integer, not " + v);
            }
        }

        void cluster(JsonNode doc) {
            if (!doc.path("metadata").path("labels").path("strimzi.io/cluster").isString()) {
                problem("needs label strimzi.io/cluster (the operator ignores it otherwise)");
            }
        }
    }
}
