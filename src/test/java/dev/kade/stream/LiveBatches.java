package dev.kade.stream;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The batches every processor in this JVM holds now, seen through {@link PendingBatch}'s test hook (weakly,
 * so that a batch whose processor is gone is forgotten). Installed by {@link CommitGuard}.
 */
final class LiveBatches implements PendingBatch.Observer {
    private static final LiveBatches INSTANCE = new LiveBatches();
    private final Set<PendingBatch> live = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private LiveBatches() {
    }

    /** Observes every batch opened from now on. */
    static void install() {
        PendingBatch.observe(INSTANCE);
    }

    @Override
    public void opened(PendingBatch batch) {
        live.add(batch);
    }

    @Override
    public void closed(PendingBatch batch) {
        live.remove(batch);
    }

    /** Records held by every live batch, on all threads (for tests waiting until records are buffered). */
    static int heldEverywhere() {
        int n = 0;
        synchronized (INSTANCE.live) {
            for (PendingBatch b : INSTANCE.live) {
                n += b.size();
            }
        }
        return n;
    }

    /** How many records the batches owned by the calling thread hold, by partition; empty when none. */
    static Map<TopicPartition, Integer> heldOnThisThread() {
        Thread me = Thread.currentThread();
        Map<TopicPartition, Integer> held = new HashMap<>();
        synchronized (INSTANCE.live) {
            for (PendingBatch b : INSTANCE.live) {
                if (b.owner() == me) {
                    b.heldByPartition().forEach((tp, n) -> held.merge(tp, n, Integer::sum));
                }
            }
        }
        return held;
    }
}
