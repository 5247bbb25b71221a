package dev.kade.features;

/** What {@link DataSetReader} does with a missing, non-numeric or non-finite feature value. */
public enum ImputationPolicy {
    /** Stop with file, line and column named (the default: bad data should be seen, not guessed at). */
    FAIL,
    /** Replace the value by the mean of that feature's valid values in the same file. */
    MEAN,
    /** Leave the whole row out. */
    DROP_ROW
}
