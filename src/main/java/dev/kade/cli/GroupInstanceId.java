package dev.kade.cli;

import java.util.Map;
import java.util.Optional;

/**
 * The Kafka static-membership id ({@code group.instance.id}) a pod gets unless it sets one: the pod's
 * name. With it, a restarted container rejoins its consumer group under the same name and takes its
 * partitions straight back, instead of waiting for the group to expire the dead member (the session
 * timeout, 45 s by default). Kafka Streams appends the stream-thread index to the id.
 *
 * <p>The name is {@code POD_NAME} when set (the deployment sets it from the downward API), else
 * {@code HOSTNAME} inside Kubernetes (detected by {@code KUBERNETES_SERVICE_HOST}), where the host name is
 * the pod name. Outside Kubernetes nothing is derived: two processes on one machine share a host name,
 * and two members with one id fence each other out of the group.
 */
final class GroupInstanceId {
    static final String KAFKA_KEY = "kafka.group.instance.id";

    private GroupInstanceId() {
    }

    static Optional<String> derive(Map<String, String> env) {
        String pod = env.get("POD_NAME");
        if (pod != null && !pod.isBlank()) {
            return Optional.of(pod.trim());
        }
        String host = env.get("HOSTNAME");
        if (env.containsKey("KUBERNETES_SERVICE_HOST") && host != null && !host.isBlank()) {
            return Optional.of(host.trim());
        }
        return Optional.empty();
    }
}
