package io.syncline.operators.quality.readback;

import io.syncline.schema.ChangeEvent;

/**
 * What reading one sampled change back from its target table showed.
 *
 * @param sample the change that was read back
 * @param outcome whether the target agrees with it
 * @param reason what the target holds, in words for logs, e.g. which columns differ
 */
public record Verdict(ChangeEvent sample, Verdict.Outcome outcome, String reason) {

    /** Whether the target row agrees with the change written to it. */
    public enum Outcome {
        /** The row holds the change's version, deleted flag and values. */
        AGREED,
        /**
         * The row is missing, holds an older version, or differs in its deleted flag or a column at
         * the change's version.
         */
        DIVERGED,
        /** The row holds a newer version: nothing to compare, and not counted either way. */
        SUPERSEDED
    }
}
