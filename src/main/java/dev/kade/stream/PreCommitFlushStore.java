package dev.kade.stream;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store that holds no data: it exists so that Kafka Streams calls {@link #flushCache()} on every
 * commit of the task, before the task's offsets are taken, and that call empties the processor's batch.
 * {@link #clearCache()} (the task is recycled) and {@link #close()} drop the batch without sending it.
 * Uses Kafka's internal {@link CachedStateStore} because the public {@code flush()} and {@code commit()} run
 * after the offsets are committed. The design, the Kafka Streams internals it relies on and the
 * alternatives rejected: {@code docs/design/commit-safe-batching.md} in the repository (the one explanation
 * of commit-safe batching).
 */
final class PreCommitFlushStore implements StateStore, CachedStateStore<Object, Object> {
    /** What the processor does on a commit and on a drop. */
    interface Hook {
        /** Scores and forwards everything buffered; called on the stream thread before offsets are taken. */
        void flushBeforeCommit();

        /** Forgets everything buffered, forwarding nothing. */
        void drop();
    }

    private final String name;
    private volatile boolean open;
    private Hook hook;

    PreCommitFlushStore(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Called by the processor in {@code init}; the store then calls it back on every commit. */
    void attach(Hook processorHook) {
        this.hook = Objects.requireNonNull(processorHook, "processorHook");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {
            // no changelog, nothing is ever restored
        });
        open = true;
    }

    @Override
    public void flushCache() {
        // before the processor's init (a task still restoring) there is no hook and nothing buffered
        Hook h = hook;
        if (h != null) {
            h.flushBeforeCommit();
        }
    }

    @Override
    public void clearCache() {
        Hook h = hook;
        if (h != null) {
            h.drop();
        }
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false; // nothing is cached for others to listen to
    }

    @Override
    public void close() {
        Hook h = hook;
        if (h != null) {
            h.drop();
        }
        hook = null;
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Builds one store per task; logging and caching stay off whatever is asked. */
    static final class Builder implements StoreBuilder<PreCommitFlushStore> {
        private final String name;

        Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        @Override
        public StoreBuilder<PreCommitFlushStore> withCachingEnabled() {
            throw new UnsupportedOperationException("the pre-commit flush store caches nothing");
        }

        @Override
        public StoreBuilder<PreCommitFlushStore> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<PreCommitFlushStore> withLoggingEnabled(Map<String, String> config) {
            throw new UnsupportedOperationException("the pre-commit flush store has no changelog");
        }

        @Override
        public StoreBuilder<PreCommitFlushStore> withLoggingDisabled() {
            return this;
        }

        @Override
        public PreCommitFlushStore build() {
            return new PreCommitFlushStore(name);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }

        @Override
        public String name() {
            return name;
        }
    }
}
