package dev.kade.stream;

import dev.kade.incident.FeedbackBook;
import dev.kade.incident.IncidentTracker;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies feedback {@code new_normal} labels to windowed entities: an entity with more {@code new_normal} labels on the
 * feedback topic than the task has applied is rebased at its next record ({@link dev.kade.entity.SeriesView#rebase}),
 * once per label.
 *
 * <p>How many it applied per entity is kept in the task's changelogged incident store (keys under
 * {@link IncidentTracker#FOREIGN_PREFIX}), written in the batch flush that writes the rebased entity state, so under
 * {@code exactly_once_v2} the rebase and its record commit together: a restart neither rebases twice nor forgets one.
 *
 * <p>Owned by one processor, used on its stream thread only.
 */
final class FeedbackRebases implements SeriesScoring.Rebases {
    private static final String PREFIX = IncidentTracker.FOREIGN_PREFIX + "rebased\0";

    private final KeyValueStore<String, byte[]> own;
    private final Supplier<FeedbackBook> book;
    private final Map<String, Integer> applied = new HashMap<>();
    /** Applied in the open batch, not written yet: entity to its count before the batch (null: none). */
    private final Map<String, Integer> pending = new HashMap<>();

    FeedbackRebases(KeyValueStore<String, byte[]> own, Supplier<FeedbackBook> book) {
        this.own = own;
        this.book = book;
        try (KeyValueIterator<String, byte[]> it = own.prefixScan(PREFIX, new org.apache.kafka.common.serialization.StringSerializer())) {
            it.forEachRemaining(kv -> applied.put(kv.key.substring(PREFIX.length()), ByteBuffer.wrap(kv.value).getInt()));
        }
    }

    @Override
    public boolean due(String entity) {
        int wanted = book.get().newNormals(entity);
        return wanted > 0 && wanted > applied.getOrDefault(entity, 0);
    }

    @Override
    public void applied(String entity) {
        Integer before = applied.put(entity, book.get().newNormals(entity));
        if (!pending.containsKey(entity)) {
            pending.put(entity, before);
        }
    }

    @Override
    public void flush() {
        for (String entity : pending.keySet()) {
            own.put(PREFIX + entity, ByteBuffer.allocate(Integer.BYTES).putInt(applied.get(entity)).array());
        }
        pending.clear();
    }

    @Override
    public void discard() {
        pending.forEach((entity, before) -> {
            if (before == null) {
                applied.remove(entity);
            } else {
                applied.put(entity, before);
            }
        });
        pending.clear();
    }
}
