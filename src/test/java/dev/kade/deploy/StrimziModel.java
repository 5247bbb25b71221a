package dev.kade.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * What Strimzi creates for the KafkaTopic and KafkaUser resources of a rendered overlay, and the check that
 * everything kade and KEDA reference in that overlay (Services, Secrets and their keys, broker pods) is among
 * it. A small model of Strimzi's naming rules, from its documentation:
 *
 * <ul>
 *   <li>the resources are reconciled in the Kafka cluster's namespace (the Entity Operator's default watched
 *       namespace), named by their {@code strimzi.io/cluster} label;
 *   <li>Service {@code <cluster>-kafka-bootstrap}, with the listeners of Strimzi's examples: {@code plain} 9092
 *       and {@code tls} 9093 (TLS);
 *   <li>Secrets {@code <cluster>-cluster-ca-cert} and {@code <cluster>-clients-ca-cert}: {@code ca.crt},
 *       {@code ca.p12}, {@code ca.password};
 *   <li>per KafkaUser a Secret named like it, in its namespace: {@code password} and {@code sasl.jaas.config}
 *       for {@code scram-sha-512}; {@code ca.crt}, {@code user.crt}, {@code user.key}, {@code user.p12},
 *       {@code user.password} for {@code tls};
 *   <li>broker pods labelled {@code strimzi.io/cluster=<cluster>}, {@code strimzi.io/kind=Kafka},
 *       {@code strimzi.io/name=<cluster>-kafka}, {@code strimzi.io/broker-role=true}.
 * </ul>
 */
final class StrimziModel {
    static final int TLS_PORT = 9093;
    static final Map<String, Integer> LISTENERS = Map.of("plain", 9092, "tls", TLS_PORT);
    private static final Set<String> CA_KEYS = Set.of("ca.crt", "ca.p12", "ca.password");
    static final Map<String, Set<String>> USER_SECRET_KEYS = Map.of(
            "scram-sha-512", Set.of("password", "sasl.jaas.config"),
            "tls", Set.of("ca.crt", "user.crt", "user.key", "user.p12", "user.password"));

    /** The key of a Strimzi Secret that each of kade's Kafka settings from the environment must take. */
    private static final Map<String, String> ENV_KEYS = Map.of(
            "KADE_KAFKA_SASL_JAAS_CONFIG", "sasl.jaas.config",
            "KADE_KAFKA_SSL_KEYSTORE_PASSWORD", "user.password",
            "KADE_KAFKA_SSL_KEY_PASSWORD", "user.password",
            "KADE_KAFKA_SSL_TRUSTSTORE_PASSWORD", "ca.password");

    /** namespace/name of each Secret Strimzi writes, with its keys. */
    private final Map<String, Set<String>> secrets = new LinkedHashMap<>();
    /** namespace/name of each Service, with its ports. */
    private final Map<String, Set<Integer>> services = new LinkedHashMap<>();
    /** Per namespace, the labels of the brokers' pods there. */
    private final Map<String, List<Map<String, String>>> brokerPods = new HashMap<>();
    /** namespace/name of each KafkaUser, with its authentication type. */
    private final Map<String, String> users = new LinkedHashMap<>();

    private StrimziModel() {}

    static StrimziModel of(List<JsonNode> documents) {
        StrimziModel m = new StrimziModel();
        for (JsonNode d : documents) {
            String kind = d.path("kind").asString("");
            if (!kind.equals("KafkaTopic") && !kind.equals("KafkaUser")) {
                continue;
            }
            String ns = d.path("metadata").path("namespace").asString("default");
            String cluster = d.path("metadata").path("labels").path("strimzi.io/cluster").asString();
            m.services.put(ns + "/" + cluster + "-kafka-bootstrap", Set.copyOf(LISTENERS.values()));
            m.secrets.put(ns + "/" + cluster + "-cluster-ca-cert", CA_KEYS);
            m.secrets.put(ns + "/" + cluster + "-clients-ca-cert", CA_KEYS);
            Map<String, String> broker = Map.of("strimzi.io/cluster", cluster, "strimzi.io/kind", "Kafka",
                    "strimzi.io/name", cluster + "-kafka", "strimzi.io/broker-role", "true");
            List<Map<String, String>> pods = m.brokerPods.computeIfAbsent(ns, k -> new ArrayList<>());
            if (!pods.contains(broker)) {
                pods.add(broker);
            }
            if (kind.equals("KafkaUser")) {
                String type = d.path("spec").path("authentication").path("type").asString("");
                String name = d.path("metadata").path("name").asString();
                m.users.put(ns + "/" + name, type);
                m.secrets.put(ns + "/" + name, USER_SECRET_KEYS.getOrDefault(type, Set.of()));
            }
        }
        return m;
    }

    Map<String, String> users() {
        return users;
    }

    /**
     * Every reference of the rendered overlay to something Strimzi should create that it does not create, as
     * readable lines; empty when the overlay connects as rendered. {@code kadeProperties} is kade's
     * configuration as the pod reads it (the rendered kade-config ConfigMap).
     */
    List<String> unresolved(List<JsonNode> documents, Properties kadeProperties) {
        List<String> problems = new ArrayList<>();
        Map<String, JsonNode> configMaps = new HashMap<>();
        documents.stream().filter(d -> d.path("kind").asString("").equals("ConfigMap"))
                .forEach(d -> configMaps.put(ns(d) + "/" + d.path("metadata").path("name").asString(), d));
        Set<Integer> kafkaPorts = new TreeSet<>();
        for (JsonNode d : documents) {
            switch (d.path("kind").asString("")) {
                case "Deployment" -> {
                    JsonNode pod = d.path("spec").path("template").path("spec");
                    kafkaPorts.addAll(bootstrap(ns(d), kadeProperties.getProperty("bootstrap.servers", ""),
                            "bootstrap.servers", problems));
                    deployment(ns(d), pod, kadeProperties, problems);
                }
                case "ScaledObject" -> d.path("spec").path("triggers").forEach(t -> {
                    if (t.path("type").asString("").equals("kafka")) {
                        bootstrap(ns(d), t.path("metadata").path("bootstrapServers").asString(""),
                                "ScaledObject bootstrapServers", problems);
                    }
                });
                case "TriggerAuthentication" -> {
                    d.path("spec").path("secretTargetRef").forEach(r -> secretKey(ns(d),
                            r.path("name").asString(), r.path("key").asString(),
                            "TriggerAuthentication " + r.path("parameter").asString(), problems));
                    d.path("spec").path("configMapTargetRef").forEach(r -> {
                        String where = ns(d) + "/" + r.path("name").asString();
                        JsonNode value = Optional.ofNullable(configMaps.get(where))
                                .map(c -> c.path("data").path(r.path("key").asString())).orElse(null);
                        if (value == null || !value.isString()) {
                            problems.add("TriggerAuthentication " + r.path("parameter").asString() + ": no ConfigMap "
                                    + where + " with key " + r.path("key").asString() + " in the overlay");
                        } else if (r.path("parameter").asString().equals("username")
                                && !users.containsKey(ns(d) + "/" + value.asString())) {
                            problems.add("TriggerAuthentication username '" + value.asString() + "' is no KafkaUser in "
                                    + ns(d) + " (the SCRAM username is the KafkaUser's name)");
                        }
                    });
                }
                default -> { }
            }
        }
        documents.stream().filter(d -> d.path("kind").asString("").equals("NetworkPolicy"))
                .forEach(p -> networkPolicy(p, kafkaPorts, problems));
        return problems;
    }

    private void deployment(String ns, JsonNode pod, Properties config, List<String> problems) {
        Map<String, String> volumeSecrets = new HashMap<>();
        for (JsonNode v : pod.path("volumes")) {
            if (v.has("secret")) {
                String name = v.path("secret").path("secretName").asString();
                volumeSecrets.put(v.path("name").asString(), name);
                if (v.path("secret").has("items")) {
                    v.path("secret").path("items").forEach(i -> secretKey(ns, name, i.path("key").asString(),
                            "volume " + v.path("name").asString(), problems));
                } else {
                    secretKey(ns, name, null, "volume " + v.path("name").asString(), problems);
                }
            }
        }
        Map<String, String> mountSecrets = new HashMap<>();
        for (JsonNode c : pod.path("containers")) {
            c.path("env").forEach(e -> {
                JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                if (!ref.isMissingNode()) {
                    String key = ref.path("key").asString();
                    secretKey(ns, ref.path("name").asString(), key, "env " + e.path("name").asString(), problems);
                    String expected = ENV_KEYS.get(e.path("name").asString());
                    if (expected != null && !expected.equals(key)) {
                        problems.add("env " + e.path("name").asString() + " takes key " + key + " of Secret "
                                + ref.path("name").asString() + ", which holds something else than " + expected);
                    }
                }
            });
            c.path("volumeMounts").forEach(m -> {
                String secret = volumeSecrets.get(m.path("name").asString());
                if (secret != null) {
                    mountSecrets.put(m.path("mountPath").asString(), secret);
                }
            });
        }
        // The files kade's Kafka clients read must lie in a mount of the Secret that holds them.
        String protocol = config.getProperty("kafka.security.protocol", "PLAINTEXT");
        if (!protocol.endsWith("SSL")) {
            problems.add("kafka.security.protocol " + protocol + ": Strimzi's TLS listener needs SSL or SASL_SSL");
        }
        fileFromSecret(ns, config, "kafka.ssl.truststore.location", mountSecrets, "-cluster-ca-cert", problems);
        if (config.containsKey("kafka.ssl.keystore.location")) {
            String secret = fileFromSecret(ns, config, "kafka.ssl.keystore.location", mountSecrets, "", problems);
            String type = users.get(ns + "/" + secret);
            if (!"tls".equals(type)) {
                problems.add("kafka.ssl.keystore.location is in Secret " + secret + ", which is no KafkaUser with"
                        + " authentication tls");
            }
        }
        String mechanism = config.getProperty("kafka.sasl.mechanism", "");
        boolean scram = protocol.equals("SASL_SSL") && mechanism.equals("SCRAM-SHA-512");
        boolean mtls = protocol.equals("SSL") && config.containsKey("kafka.ssl.keystore.location");
        boolean userMatches = users.values().stream().anyMatch(t -> scram ? t.equals("scram-sha-512") : mtls && t.equals("tls"));
        if (!userMatches) {
            problems.add("kade authenticates with " + protocol + " " + mechanism + " but the KafkaUsers are " + users);
        }
    }

    /** The Secret mounted where {@code key}'s file lies, checked to be the expected Strimzi Secret (by suffix). */
    private String fileFromSecret(String ns, Properties config, String key, Map<String, String> mountSecrets,
            String suffix, List<String> problems) {
        String file = config.getProperty(key);
        if (file == null) {
            problems.add(key + " is unset");
            return null;
        }
        String dir = file.substring(0, file.lastIndexOf('/'));
        String secret = mountSecrets.get(dir);
        if (secret == null) {
            problems.add(key + "=" + file + " lies in no Secret mount");
            return null;
        }
        secretKey(ns, secret, file.substring(file.lastIndexOf('/') + 1), key, problems);
        if (!secret.endsWith(suffix)) {
            problems.add(key + " is in Secret " + secret + ", not a " + suffix + " Secret");
        }
        return secret;
    }

    private void secretKey(String ns, String name, String key, String what, List<String> problems) {
        Set<String> keys = secrets.get(ns + "/" + name);
        if (keys == null) {
            problems.add(what + ": Secret " + ns + "/" + name + " is not created by Strimzi (it creates " + secrets.keySet() + ")");
        } else if (key != null && !keys.contains(key)) {
            problems.add(what + ": Strimzi's Secret " + ns + "/" + name + " has no key " + key + " (only " + new TreeSet<>(keys) + ")");
        }
    }

    /** Checks each host:port of a bootstrap list against Strimzi's Services; returns the ports. */
    private Set<Integer> bootstrap(String ns, String servers, String what, List<String> problems) {
        Set<Integer> ports = new TreeSet<>();
        for (String server : servers.split(",")) {
            String s = server.trim();
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                problems.add(what + ": " + s + " has no port");
                continue;
            }
            String[] host = s.substring(0, colon).split("\\.");
            int port = Integer.parseInt(s.substring(colon + 1));
            ports.add(port);
            String service = ns + "/" + host[0];
            if (host.length > 1) {
                service = host[1] + "/" + host[0];
                String rest = String.join(".", List.of(host).subList(2, host.length));
                if (!rest.isEmpty() && !rest.equals("svc") && !rest.equals("svc.cluster.local")) {
                    problems.add(what + ": " + s + " is not a cluster Service name");
                }
            }
            Set<Integer> known = services.get(service);
            if (known == null) {
                problems.add(what + ": Service " + service + " is not created by Strimzi (it creates " + services.keySet() + ")");
            } else if (port != TLS_PORT) {
                problems.add(what + ": " + s + " is not the TLS listener (" + TLS_PORT + ")");
            }
        }
        return ports;
    }

    /** Some egress rule allows the Kafka ports to the brokers' pods. */
    private void networkPolicy(JsonNode policy, Set<Integer> kafkaPorts, List<String> problems) {
        String ns = ns(policy);
        for (int port : kafkaPorts) {
            boolean allowed = false;
            for (JsonNode rule : policy.path("spec").path("egress")) {
                boolean portOk = !rule.has("ports") || rule.path("ports").valueStream().anyMatch(p -> p.path("port").asInt() == port);
                boolean podsOk = !rule.has("to") || rule.path("to").valueStream().anyMatch(peer -> selectsBrokers(ns, peer));
                allowed |= portOk && podsOk;
            }
            if (!allowed) {
                problems.add("NetworkPolicy " + policy.path("metadata").path("name").asString()
                        + " allows no egress to Strimzi's broker pods on " + port);
            }
        }
    }

    private boolean selectsBrokers(String policyNs, JsonNode peer) {
        if (peer.has("ipBlock")) {
            return false;
        }
        for (Map.Entry<String, List<Map<String, String>>> e : brokerPods.entrySet()) {
            boolean nsOk = peer.has("namespaceSelector")
                    ? matches(peer.path("namespaceSelector"), Map.of("kubernetes.io/metadata.name", e.getKey()))
                    : e.getKey().equals(policyNs);
            if (nsOk && e.getValue().stream().anyMatch(labels -> !peer.has("podSelector")
                    || matches(peer.path("podSelector"), labels))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(JsonNode selector, Map<String, String> labels) {
        if (selector.has("matchExpressions")) {
            return false; // not used by kade's policies; not modelled
        }
        return selector.path("matchLabels").properties().stream()
                .allMatch(e -> e.getValue().asString().equals(labels.get(e.getKey())));
    }

    private static String ns(JsonNode d) {
        return d.path("metadata").path("namespace").asString("default");
    }
}
