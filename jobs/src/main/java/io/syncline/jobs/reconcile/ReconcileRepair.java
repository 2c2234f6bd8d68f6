package io.syncline.jobs.reconcile;

import java.time.Duration;
import java.util.List;

/**
 * Repairs differences through the running sync job, which owns version ordering: a re-sync request
 * names entity ids for the job to read again from their source, and an id the source no longer
 * holds is sent as a delete.
 */
public interface ReconcileRepair {

    /**
     * Asks the job to re-sync {@code ids} of one tenant's entity type.
     *
     * @return the request's id
     */
    String request(String tenant, String entityType, List<String> ids);

    /**
     * Waits until the job has served every request in {@code requestIds}.
     *
     * @throws ReconcileException when they are not served within {@code timeout}, or cannot be
     *     waited for
     */
    void awaitServed(List<String> requestIds, Duration timeout);
}
