package dev.kade.archfixture.config;

import dev.kade.archfixture.output.Limits;

/** Breaks "config is a leaf": a setting that reads another kade package. */
public final class ReadsOutput {
    static final int MIN = Limits.min();

    private ReadsOutput() {
    }
}
