package io.syncline.operators.decode;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;

/** What decoding one source record produced: a change, a rejection with its reason, or nothing. */
public sealed interface DecodeOutcome {

    /** The record became a change. */
    record Decoded(ChangeEvent event) implements DecodeOutcome {}

    /** The record cannot become a change; the error says why. */
    record Rejected(ErrorRecord error) implements DecodeOutcome {}

    /**
     * The record carries no data change (a heartbeat or a tombstone), so there is nothing to do.
     */
    record Skipped(String reason) implements DecodeOutcome {}
}
