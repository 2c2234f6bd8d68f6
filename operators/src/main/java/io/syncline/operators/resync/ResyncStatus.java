package io.syncline.operators.resync;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a re-sync request stands, as the {@link ResyncStatusTable} keeps it for {@code syncline
 * resync} to wait on.
 *
 * @param requestId the request's id (its control command is {@code resync-<requestId>})
 * @param state READING while rows are read, SERVED once the rows read are in the targets (the
 *     checkpoint after the last row completed), FAILED when the request cannot be served
 * @param rowsRead rows read from the source and sent through the pipeline
 * @param rowsDeleted requested ids the source no longer holds, sent as deletes
 * @param message why it failed, or the last read failure it is retrying after; null if none
 */
public record ResyncStatus(
        String requestId,
        String tenant,
        String entityType,
        String issuedBy,
        Instant issuedAt,
        State state,
        long rowsRead,
        long rowsDeleted,
        String message) {

    /** The states of a request. */
    public enum State {
        READING,
        SERVED,
        FAILED
    }

    public ResyncStatus {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(state, "state");
    }

    /** This status in {@code state}, with {@code message}. */
    public ResyncStatus with(State state, String message) {
        return new ResyncStatus(
                requestId,
                tenant,
                entityType,
                issuedBy,
                issuedAt,
                state,
                rowsRead,
                rowsDeleted,
                message);
    }
}
