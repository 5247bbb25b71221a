package dev.kade.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Offline schema check of Kubernetes manifests with fabric8's typed Kubernetes model.
 *
 * <p>Built-in kinds are deserialized into their typed classes, so a wrong type (a string where an
 * integer belongs) fails. fabric8 keeps fields it does not know in {@code additionalProperties}
 * instead of failing; this validator walks every object and reports each such field with its path,
 * which catches typos such as {@code readOnlyRootFilesytem}. An apiVersion/kind pair the model does
 * not know comes back as a {@link GenericKubernetesResource}: that is an error unless it is one of the
 * Prometheus Operator kinds, which are checked structurally by {@link PrometheusOperatorShapes}, or a Strimzi or
 * KEDA kind, checked by {@link KafkaOperatorShapes}.
 */
final class ManifestValidator {

    private final KubernetesSerialization serialization = new KubernetesSerialization();

    /** A document that passed, typed (or generic for custom resources). */
    record Validated(HasMetadata resource, JsonNode tree) {}

    /** Validates one document; returns the problems found, each prefixed with kind/name. */
    List<String> problems(JsonNode document) {
        List<String> problems = new ArrayList<>();
        validate(document, problems);
        return problems;
    }

    /** Validates one document and returns it typed, or throws listing every problem. */
    Validated validated(JsonNode document) {
        List<String> problems = new ArrayList<>();
        HasMetadata resource = validate(document, problems);
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
        return new Validated(resource, document);
    }

    private HasMetadata validate(JsonNode document, List<String> problems) {
        String label = document.path("kind").asString("?") + "/" + document.path("metadata").path("name").asString("?");
        if (!document.hasNonNull("apiVersion") || !document.hasNonNull("kind")) {
            problems.add(label + ": apiVersion and kind are required");
            return null;
        }
        if (!document.path("metadata").hasNonNull("name")) {
            problems.add(label + ": metadata.name is required");
        }
        Object parsed;
        try {
            parsed = serialization.unmarshal(RepoFiles.JSON.writeValueAsString(document));
        } catch (RuntimeException e) {
            problems.add(label + ": does not match the Kubernetes schema: " + rootMessage(e));
            return null;
        }
        if (!(parsed instanceof HasMetadata resource)) {
            problems.add(label + ": not a Kubernetes resource: " + parsed.getClass().getName());
            return null;
        }
        if (resource instanceof GenericKubernetesResource) {
            String apiVersion = document.get("apiVersion").asString();
            if (PrometheusOperatorShapes.knows(apiVersion, resource.getKind())) {
                PrometheusOperatorShapes.check(label, document, problems);
            } else if (KafkaOperatorShapes.knows(apiVersion, resource.getKind())) {
                KafkaOperatorShapes.check(label, document, problems);
            } else {
                problems.add(label + ": unknown apiVersion/kind " + apiVersion + " " + resource.getKind());
            }
        } else {
            walk(resource, resource.getKind(), label, problems);
        }
        return resource;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage().lines().findFirst().orElse(cause.toString());
    }

    /** Reports every non-empty {@code additionalProperties} map below {@code node}. */
    private static void walk(Object node, String path, String label, List<String> problems) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                walk(element, path + "[" + i++ + "]", label, problems);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> walk(value, path + "." + key, label, problems));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> type = node.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
                    continue;
                }
                Object value = read(field, node);
                if (field.getName().equals("additionalProperties")) {
                    if (value instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
                        problems.add(label + ": unknown field(s) " + Set.copyOf(unknown.keySet()) + " at " + path);
                    }
                } else {
                    walk(value, path + "." + field.getName(), label, problems);
                }
            }
        }
    }

    private static Object read(Field field, Object owner) {
        try {
            field.setAccessible(true);
            return field.get(owner);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + field, e);
        }
    }
}
