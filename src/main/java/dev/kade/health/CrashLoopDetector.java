package dev.kade.health;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells a crash loop from bad luck: a stream thread that dies, is replaced, re-reads the same records and
 * dies again. It counts consecutive thread deaths between which no partition that had lag moved its
 * committed offset; {@code maxDeaths} such deaths in a row is a loop. Time plays no part, so a loop is
 * caught however slowly it turns (a replacement that takes 45 s to rejoin the group loops just as surely
 * as one that dies at once), and a thread that dies now and then while partitions keep moving is not.
 *
 * <p>"Moved" is judged per partition: if one partition holds a poison record while another keeps moving,
 * the poisoned one has not moved between deaths and the loop is still seen. Thread-safe.
 */
public final class CrashLoopDetector {
    private final int maxDeaths;
    private final Supplier<HealthMonitor.Snapshot> progress;
    private int consecutive;
    private Map<TopicPartition, Long> committedAtLastDeath;
    private Map<TopicPartition, Long> lagAtLastDeath;

    /**
     * @param maxDeaths how many deaths in a row without progress make a loop (at least 2)
     * @param progress  the latest view of committed offsets
     */
    public CrashLoopDetector(int maxDeaths, Supplier<HealthMonitor.Snapshot> progress) {
        if (maxDeaths < 2) {
            throw new IllegalArgumentException("maxDeaths must be at least 2, got " + maxDeaths);
        }
        this.maxDeaths = maxDeaths;
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** A verdict on one death: whether it closes a loop, and how many deaths in a row made no progress. */
    public record Verdict(boolean crashLoop, int deathsWithoutProgress) {
    }

    /** Records one stream-thread death and says whether the deaths now form a loop. */
    public synchronized Verdict threadDied() {
        HealthMonitor.Snapshot now = progress.get();
        Map<TopicPartition, Long> committed = now.groupCommitted();
        Map<TopicPartition, Long> lag = new java.util.HashMap<>();
        now.partitions().forEach(p -> lag.put(p.partition(), p.lag()));
        if (committedAtLastDeath == null || stuckSinceLastDeath(committed)) {
            consecutive++;
        } else {
            consecutive = 1; // partitions moved since the previous death: this one starts a new count
        }
        committedAtLastDeath = committed;
        lagAtLastDeath = lag;
        return new Verdict(consecutive >= maxDeaths, consecutive);
    }

    /** Some partition that had lag at the previous death has the same committed offset now (or is unknown). */
    private boolean stuckSinceLastDeath(Map<TopicPartition, Long> committed) {
        if (lagAtLastDeath.isEmpty()) {
            return true; // nothing was known to be assigned: no progress can be shown
        }
        for (Map.Entry<TopicPartition, Long> e : lagAtLastDeath.entrySet()) {
            if (e.getValue() > 0 && Objects.equals(committed.get(e.getKey()), committedAtLastDeath.get(e.getKey()))) {
                return true;
            }
        }
        return false;
    }

    public int maxDeaths() {
        return maxDeaths;
    }
}
