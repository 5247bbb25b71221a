package dev.kade.deploy;

import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Structural checks of the Prometheus Operator custom resources kade ships (ServiceMonitor,
 * PodMonitor, PrometheusRule, monitoring.coreos.com/v1), whose Java model is not available offline:
 * the fields kade could use are listed from the operator's v1 CRDs, anything else is reported as an
 * unknown field, and the required fields and value types are checked.
 */
final class PrometheusOperatorShapes {

    static final String API_VERSION = "monitoring.coreos.com/v1";
    private static final Set<String> KINDS = Set.of("ServiceMonitor", "PodMonitor", "PrometheusRule");

    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
    private static final Set<String> METADATA = Set.of("name", "namespace", "labels", "annotations");
    private static final Set<String> MONITOR_SPEC_COMMON = Set.of("jobLabel", "namespaceSelector", "selector",
            "podTargetLabels", "sampleLimit", "targetLimit", "labelLimit", "labelNameLengthLimit",
            "labelValueLengthLimit", "keepDroppedTargets", "attachMetadata", "scrapeClass", "scrapeProtocols",
            "fallbackScrapeProtocol", "bodySizeLimit", "scrapeClassicHistograms", "nativeHistogramBucketLimit",
            "nativeHistogramMinBucketFactor", "convertClassicHistogramsToNHCB", "selectorMechanism");
    private static final Set<String> SERVICE_MONITOR_SPEC = union(MONITOR_SPEC_COMMON,
            Set.of("endpoints", "targetLabels", "serviceDiscoveryRole"));
    private static final Set<String> POD_MONITOR_SPEC = union(MONITOR_SPEC_COMMON, Set.of("podMetricsEndpoints"));
    private static final Set<String> ENDPOINT = Set.of("port", "targetPort", "portNumber", "path", "scheme",
            "params", "interval", "scrapeTimeout", "honorLabels", "honorTimestamps", "trackTimestampsStaleness",
            "metricRelabelings", "relabelings", "tlsConfig", "bearerTokenFile", "bearerTokenSecret",
            "authorization", "basicAuth", "oauth2", "proxyUrl", "noProxy", "proxyFromEnvironment",
            "proxyConnectHeader", "followRedirects", "enableHttp2", "filterRunning");
    private static final Set<String> LABEL_SELECTOR = Set.of("matchLabels", "matchExpressions");
    private static final Set<String> RULE_SPEC = Set.of("groups");
    private static final Set<String> RULE_GROUP = Set.of("name", "interval", "rules", "limit",
            "partial_response_strategy", "query_offset", "labels");
    private static final Set<String> RULE = Set.of("record", "alert", "expr", "for", "keep_firing_for",
            "labels", "annotations");

    private PrometheusOperatorShapes() {}

    static boolean knows(String apiVersion, String kind) {
        return API_VERSION.equals(apiVersion) && KINDS.contains(kind);
    }

    static void check(String label, JsonNode doc, List<String> problems) {
        Checker c = new Checker(label, problems);
        c.fields(doc, "", TOP);
        c.fields(doc.path("metadata"), "metadata", METADATA);
        c.stringMap(doc.path("metadata").path("labels"), "metadata.labels");
        JsonNode spec = c.object(doc, "spec");
        switch (doc.get("kind").asString()) {
            case "ServiceMonitor" -> monitor(c, spec, SERVICE_MONITOR_SPEC, "endpoints");
            case "PodMonitor" -> monitor(c, spec, POD_MONITOR_SPEC, "podMetricsEndpoints");
            case "PrometheusRule" -> rules(c, spec);
            default -> throw new IllegalArgumentException(doc.get("kind").asString());
        }
    }

    private static void monitor(Checker c, JsonNode spec, Set<String> allowed, String endpointsField) {
        c.fields(spec, "spec", allowed);
        JsonNode selector = c.object(spec, "selector");
        c.fields(selector, "spec.selector", LABEL_SELECTOR);
        c.stringMap(selector.path("matchLabels"), "spec.selector.matchLabels");
        JsonNode endpoints = c.nonEmptyArray(spec, endpointsField);
        for (int i = 0; i < endpoints.size(); i++) {
            JsonNode endpoint = endpoints.get(i);
            String path = "spec." + endpointsField + "[" + i + "]";
            c.fields(endpoint, path, ENDPOINT);
            if (!endpoint.hasNonNull("port") && !endpoint.hasNonNull("targetPort") && !endpoint.hasNonNull("portNumber")) {
                c.problem(path + ": needs port, targetPort or portNumber");
            }
            for (String field : List.of("port", "path", "interval", "scrapeTimeout", "scheme")) {
                c.optionalString(endpoint, path, field);
            }
            for (String field : List.of("interval", "scrapeTimeout")) {
                c.duration(endpoint, path, field);
            }
        }
    }

    private static void rules(Checker c, JsonNode spec) {
        c.fields(spec, "spec", RULE_SPEC);
        JsonNode groups = c.nonEmptyArray(spec, "groups");
        for (int g = 0; g < groups.size(); g++) {
            JsonNode group = groups.get(g);
            String groupPath = "spec.groups[" + g + "]";
            c.fields(group, groupPath, RULE_GROUP);
            c.requiredString(group, groupPath, "name");
            JsonNode rules = c.nonEmptyArray(group, "rules");
            for (int r = 0; r < rules.size(); r++) {
                JsonNode rule = rules.get(r);
                String path = groupPath + ".rules[" + r + "]";
                c.fields(rule, path, RULE);
                c.requiredString(rule, path, "expr");
                if (rule.has("record") == rule.has("alert")) {
                    c.problem(path + ": needs exactly one of record and alert");
                }
                c.duration(rule, path, "for");
                c.stringMap(rule.path("labels"), path + ".labels");
                c.stringMap(rule.path("annotations"), path + ".annotations");
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
    }

    private record Checker(String label, List<String> problems) {

        void problem(String message) {
            problems.add(label + ": " + message);
        }

        void fields(JsonNode node, String path, Set<String> allowed) {
            if (node.isMissingNode()) {
                return;
            }
            if (!node.isObject()) {
                problem(path + " must be an object");
                return;
            }
            for (Iterator<String> names = node.propertyNames().iterator(); names.hasNext(); ) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    problem("unknown field [" + name + "] at " + (path.isEmpty() ? "top level" : path));
                }
            }
        }

        JsonNode object(JsonNode parent, String field) {
            JsonNode node = parent.path(field);
            if (!node.isObject()) {
                problem(field + " must be an object");
            }
            return node;
        }

        JsonNode nonEmptyArray(JsonNode parent, String field) {
            JsonNode node = parent.path(field);
            if (!node.isArray() || node.isEmpty()) {
                problem(field + " must be a non-empty list");
                return RepoFiles.JSON.createArrayNode();
            }
            return node;
        }

        void requiredString(JsonNode node, String path, String field) {
            if (!node.path(field).isString() || node.path(field).asString().isBlank()) {
                problem(path + "." + field + " must be a non-empty string");
            }
        }

        void optionalString(JsonNode node, String path, String field) {
            if (node.has(field) && !node.get(field).isString()) {
                problem(path + "." + field + " must be a string");
            }
        }

        void duration(JsonNode node, String path, String field) {
            if (node.has(field) && !node.get(field).asString("").matches("(\\d+(ms|s|m|h|d|w|y))+")) {
                problem(path + "." + field + " must be a Prometheus duration like 30s or 5m, not " + node.get(field));
            }
        }

        void stringMap(JsonNode node, String path) {
            if (node.isMissingNode()) {
                return;
            }
            if (!node.isObject()) {
                problem(path + " must be a map of strings");
                return;
            }
            node.properties().forEach(e -> {
                if (!e.getValue().isString()) {
                    problem(path + "." + e.getKey() + " must be a string, not " + e.getValue());
                }
            });
        }
    }
}
