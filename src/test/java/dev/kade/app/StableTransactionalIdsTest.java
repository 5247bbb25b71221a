package dev.kade.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StableTransactionalIdsTest {
    private final StableTransactionalIds ids = new StableTransactionalIds("kade-app", "kade-7f9c-abcde");

    @Test
    void replacesStreamsRandomProcessIdWithTheInstanceIdAndKeepsTheThreadIndex() {
        assertThat(ids.transactionalId("kade-app-3f1c2a9e-8d41-4b7a-9c0e-5a2b7d6e1f00-1")).isEqualTo("kade-app-kade-7f9c-abcde-1");
        assertThat(ids.transactionalId("kade-app-3F1C2A9E-8D41-4B7A-9C0E-5A2B7D6E1F00-12")).isEqualTo("kade-app-kade-7f9c-abcde-12");
    }

    @Test
    void leavesIdsOfAnotherFormUntouched() {
        assertThat(ids.transactionalId("other-app-3f1c2a9e-8d41-4b7a-9c0e-5a2b7d6e1f00-1"))
                .isEqualTo("other-app-3f1c2a9e-8d41-4b7a-9c0e-5a2b7d6e1f00-1");
        assertThat(ids.transactionalId("kade-app-custom")).isEqualTo("kade-app-custom");
        assertThat(ids.transactionalId(null)).isNull();
    }
}
