package dev.kade.incident;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * When a {@link MuteRule} mutes: one absolute window, or a recurring one (a cron schedule, a duration and a time zone).
 * Both are read in event time: start included, end excluded.
 */
public sealed interface MuteWindow {
    /** Whether event time {@code at} (epoch ms) lies inside this window. */
    boolean contains(long at);

    /** One window of event time, {@code [start, end)}. */
    record Absolute(Instant start, Instant end) implements MuteWindow {
        public Absolute {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            if (!end.isAfter(start)) {
                throw new IllegalArgumentException("the window ends (" + end + ") at or before it starts (" + start + ")");
            }
        }

        @Override
        public boolean contains(long at) {
            return at >= start.toEpochMilli() && at < end.toEpochMilli();
        }

        @Override
        public String toString() {
            return start + "/" + end;
        }
    }

    /**
     * A window that recurs: it opens at every time the 5-field (Unix) cron expression names in {@code zone} and lasts
     * {@code duration}; optionally only between {@code from} (included) and {@code until} (excluded). The cron
     * expression is parsed and checked by cron-utils (daylight-saving changes follow its rules for the zone).
     *
     * <p>Thread-safe: the span last looked up is cached in one volatile field holding an immutable value, since
     * records arrive mostly in time order and a cron look-up costs microseconds.
     */
    final class Recurring implements MuteWindow {
        private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

        private final String cron;
        private final Duration duration;
        private final ZoneId zone;
        private final Optional<Instant> from;
        private final Optional<Instant> until;
        private final ExecutionTime times;
        /** The last answer and the span of event time it holds for: [lo, hi). */
        private volatile Span cached = new Span(Long.MAX_VALUE, Long.MIN_VALUE, false);

        private record Span(long lo, long hi, boolean inside) {
        }

        /**
         * @throws IllegalArgumentException naming what is wrong: the cron expression, a duration that is not positive,
         *                                  an unknown zone, or bounds that leave no time
         */
        public Recurring(String cron, Duration duration, ZoneId zone, Optional<Instant> from, Optional<Instant> until) {
            this.cron = Objects.requireNonNull(cron, "cron").trim();
            this.duration = Objects.requireNonNull(duration, "duration");
            this.zone = Objects.requireNonNull(zone, "zone");
            this.from = Objects.requireNonNull(from, "from");
            this.until = Objects.requireNonNull(until, "until");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("the duration must be positive, got " + duration);
            }
            if (from.isPresent() && until.isPresent() && !until.get().isAfter(from.get())) {
                throw new IllegalArgumentException("the schedule ends (" + until.get() + ") at or before it starts ("
                        + from.get() + ")");
            }
            try {
                this.times = ExecutionTime.forCron(UNIX.parse(this.cron));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cron '" + cron + "' is no 5-field cron expression (minute hour "
                        + "day-of-month month day-of-week): " + e.getMessage(), e);
            }
        }

        /** Parses a time zone id ({@code UTC}, {@code Europe/Berlin}); an unknown one throws IllegalArgumentException. */
        public static ZoneId zone(String id) {
            try {
                return ZoneId.of(id.trim());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("time zone '" + id + "' is unknown: " + e.getMessage(), e);
            }
        }

        public String cron() {
            return cron;
        }

        public Duration duration() {
            return duration;
        }

        public ZoneId zone() {
            return zone;
        }

        @Override
        public boolean contains(long at) {
            if (from.isPresent() && at < from.get().toEpochMilli() || until.isPresent() && at >= until.get().toEpochMilli()) {
                return false;
            }
            Span s = cached;
            if (at >= s.lo && at < s.hi) {
                return s.inside;
            }
            s = lookUp(at);
            cached = s;
            return s.inside;
        }

        /** The span around {@code at}: inside the latest window opened at or before it, or the gap before the next. */
        private Span lookUp(long at) {
            ZonedDateTime t = Instant.ofEpochMilli(at).atZone(zone);
            // lastExecution is strictly before its argument: one millisecond on, an opening exactly at `at` counts
            Optional<ZonedDateTime> last = times.lastExecution(t.plusNanos(1_000_000));
            Optional<ZonedDateTime> next = times.nextExecution(t);
            long nextStart = next.map(z -> z.toInstant().toEpochMilli()).orElse(Long.MAX_VALUE);
            if (last.isPresent()) {
                long start = last.get().toInstant().toEpochMilli();
                long end = start + duration.toMillis();
                if (at < end) {
                    // inside at least until this window ends (a later opening before then only extends it)
                    return new Span(start, end, true);
                }
                return new Span(end, nextStart, false);
            }
            return new Span(at, nextStart, false);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Recurring r && r.cron.equals(cron) && r.duration.equals(duration) && r.zone.equals(zone)
                    && r.from.equals(from) && r.until.equals(until);
        }

        @Override
        public int hashCode() {
            return Objects.hash(cron, duration, zone, from, until);
        }

        @Override
        public String toString() {
            return cron + "|" + duration + "|" + zone + from.map(f -> " from " + f).orElse("")
                    + until.map(u -> " until " + u).orElse("");
        }
    }
}
