package dev.kade.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides from successive observations of the committed and end offsets of this instance's partitions
 * whether each one is moving. A partition is <em>stalled</em> when it has lag (end offset beyond the
 * committed one) and its committed offset has not moved for longer than the progress timeout. A partition
 * without lag is never stalled, however long it stays idle; a partition seen for the first time starts
 * its clock then. A partition that is revoked and comes back (a replaced stream thread, a rebalance) with
 * the same committed offset keeps its clock, so a thread that dies and rejoins again and again still shows
 * its partitions stalled.
 *
 * <p>Progress is read from committed offsets, not from inside the processor, so that it covers every way a
 * partition stops: a thread that dies and is replaced, a thread stuck in a producer flush, a poison record
 * re-read after each restart, a batch that never flushes. Not thread-safe: the health monitor's one
 * thread owns it.
 */
public final class PartitionProgress {
    private final long timeoutNanos;
    private final Map<TopicPartition, Track> tracks = new HashMap<>();

    /** @param timeout how long a partition with lag may go without a committed offset moving */
    public PartitionProgress(Duration timeout) {
        this.timeoutNanos = Objects.requireNonNull(timeout, "timeout").toNanos();
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** What one partition looks like now. */
    public record PartitionState(TopicPartition partition, long committed, long end, long lastProgressNanos,
                                 long sinceProgressNanos, boolean stalled) {
        public long lag() {
            return Math.max(0, end - committed);
        }

        /** A reason for an operator, e.g. {@code partition in-3 made no progress for 64 s (committed 120, end 1320)}. */
        public String describe() {
            return "partition " + partition + " made no progress for " + Duration.ofNanos(sinceProgressNanos).toSeconds()
                    + " s (committed offset " + committed + ", end offset " + end + ")";
        }
    }

    private static final class Track {
        long committed;
        long end;
        long lastProgress;
        boolean seen;
    }

    /**
     * Records one observation and returns the state of every assigned partition.
     *
     * @param now       monotonic time in nanoseconds ({@link System#nanoTime()})
     * @param assigned  the partitions this instance owns now; only these are returned
     * @param committed committed offset per partition (absent: nothing committed yet, counts as 0)
     * @param end       end offset per partition (absent: unknown; the partition then counts as without lag)
     */
    public List<PartitionState> observe(long now, Set<TopicPartition> assigned, Map<TopicPartition, Long> committed,
                                        Map<TopicPartition, Long> end) {
        // partitions not assigned now keep their track: one that comes back (a replaced thread, a rebalance)
        // with the same committed offset has not moved, and its clock must not restart
        List<PartitionState> out = new ArrayList<>(assigned.size());
        for (TopicPartition tp : assigned) {
            long c = committed.getOrDefault(tp, 0L);
            Track t = tracks.computeIfAbsent(tp, x -> new Track());
            long e = end.getOrDefault(tp, t.seen ? Math.max(c, t.end) : c);
            if (!t.seen || c != t.committed || c >= e) {
                t.lastProgress = now; // first sight, moved, or caught up: the clock restarts
            }
            t.seen = true;
            t.committed = c;
            t.end = e;
            long since = now - t.lastProgress;
            out.add(new PartitionState(tp, c, e, t.lastProgress, since, c < e && since > timeoutNanos));
        }
        out.sort(Comparator.comparing(PartitionState::partition, Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition)));
        return out;
    }
}
