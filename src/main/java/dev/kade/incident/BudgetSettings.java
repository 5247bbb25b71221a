package dev.kade.incident;

import java.time.Duration;
import java.util.Objects;

/**
 * Alert budgets ({@code alerts.budget.*}): instead of choosing a threshold, a user says how many incidents a day they
 * can take, and kade derives the threshold that gives about that many ({@link AlertBudget}).
 *
 * @param perEntityPerDay incidents per entity (and model version) per day; 0: no per-entity budget
 * @param perDay          incidents per day over the whole stream; 0: no overall budget
 * @param partitions      how many shares {@code perDay} is split into: the input partitions, one share per task (each
 *                        task sees its partition only, so the split is fixed and needs no coordination)
 * @param warmUp          event time a task scores before its derived threshold applies; until then the model's
 *                        threshold applies and opening is capped ({@link AlertBudget})
 */
public record BudgetSettings(double perEntityPerDay, double perDay, int partitions, Duration warmUp) {
    /** No budget (the default). */
    public static final BudgetSettings OFF = new BudgetSettings(0, 0, 1, Duration.ofHours(1));

    public BudgetSettings {
        Objects.requireNonNull(warmUp, "warmUp");
        if (!(perEntityPerDay >= 0) || Double.isInfinite(perEntityPerDay)) {
            throw new IllegalArgumentException("perEntityPerDay must be a finite number >= 0, got " + perEntityPerDay);
        }
        if (!(perDay >= 0) || Double.isInfinite(perDay)) {
            throw new IllegalArgumentException("perDay must be a finite number >= 0, got " + perDay);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        if (warmUp.isNegative()) {
            throw new IllegalArgumentException("warmUp must be >= 0");
        }
    }

    /** Whether any budget is set. */
    public boolean enabled() {
        return perEntityPerDay > 0 || perDay > 0;
    }

    /** The overall budget's share of one task (per day); 0 without one. */
    public double perTaskPerDay() {
        return perDay / partitions;
    }

    /** A per-entity budget of {@code n} incidents a day (tests and benchmarks). */
    public static BudgetSettings perEntity(double n) {
        return new BudgetSettings(n, 0, 1, OFF.warmUp());
    }
}
