package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupInstanceIdTest {
    @Test
    void podNameWinsThenTheHostNameInsideKubernetesOnly() {
        assertThat(GroupInstanceId.derive(Map.of("POD_NAME", "kade-7f9c-abcde", "HOSTNAME", "h"))).contains("kade-7f9c-abcde");
        assertThat(GroupInstanceId.derive(Map.of("HOSTNAME", "kade-0", "KUBERNETES_SERVICE_HOST", "10.0.0.1"))).contains("kade-0");
        assertThat(GroupInstanceId.derive(Map.of("HOSTNAME", "laptop"))).as("two local processes would fence each other").isEmpty();
        assertThat(GroupInstanceId.derive(Map.of("POD_NAME", " "))).isEmpty();
    }
}
