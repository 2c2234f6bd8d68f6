package io.syncline.jobs.reconcile;

import io.syncline.jobs.resync.ResyncRequests;
import io.syncline.operators.resync.ResyncStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Repairs through the running sync job's re-sync path: each request is a re-sync of explicit ids,
 * which the job reads again from their source (an id the source no longer holds is sent as a
 * delete) and sends through its version-guarded sinks; it is served once they are in the targets.
 */
public final class JobResyncRepair implements ReconcileRepair {

    private final ResyncRequests resyncs;
    private final String issuedBy;
    private final Clock clock;
    private final Consumer<String> progress;

    /**
     * @param progress receives a line for each request's served status
     */
    public JobResyncRepair(
            ResyncRequests resyncs, String issuedBy, Clock clock, Consumer<String> progress) {
        this.resyncs = Objects.requireNonNull(resyncs, "resyncs");
        this.issuedBy = Objects.requireNonNull(issuedBy, "issuedBy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    @Override
    public String request(String tenant, String entityType, List<String> ids) {
        try {
            return resyncs.request(tenant, entityType, ids, null, null, issuedBy);
        } catch (IllegalArgumentException e) {
            throw new ReconcileException("cannot repair: " + e.getMessage(), e);
        }
    }

    @Override
    public void awaitServed(List<String> requestIds, Duration timeout) {
        Instant deadline = clock.instant().plus(timeout);
        for (String requestId : requestIds) {
            Duration left = Duration.between(clock.instant(), deadline);
            ResyncStatus status;
            try {
                status =
                        resyncs.await(requestId, left.isNegative() ? Duration.ZERO : left, s -> {});
            } catch (TimeoutException e) {
                throw new ReconcileException("the repair was not confirmed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReconcileException("interrupted while waiting for " + requestId, e);
            }
            if (status.state() != ResyncStatus.State.SERVED) {
                throw new ReconcileException(
                        "the sync job could not serve re-sync "
                                + requestId
                                + " ("
                                + status.entityType()
                                + " of tenant "
                                + status.tenant()
                                + "): "
                                + status.message()
                                + "; the request is in the error queue (syncline errors list)");
            }
            progress.accept(
                    String.format(
                            Locale.ROOT,
                            "served %s: %s/%s, %,d %s re-read, %,d %s",
                            requestId,
                            status.tenant(),
                            status.entityType(),
                            status.rowsRead(),
                            status.rowsRead() == 1 ? "row" : "rows",
                            status.rowsDeleted(),
                            status.rowsDeleted() == 1 ? "delete" : "deletes"));
        }
    }
}
