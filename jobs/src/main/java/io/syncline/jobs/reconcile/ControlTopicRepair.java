package io.syncline.jobs.reconcile;

import io.syncline.jobs.control.ControlTopicPublisher;
import io.syncline.schema.ResyncRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Repairs through the sync job's control topic: each request is a re-sync command, which the job
 * serves by reading the ids from their source and sending them through its sinks (an id the source
 * no longer holds as a delete).
 */
public final class ControlTopicRepair implements ReconcileRepair {

    private final ControlTopicPublisher publisher;
    private final String issuedBy;

    public ControlTopicRepair(ControlTopicPublisher publisher, String issuedBy) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.issuedBy = Objects.requireNonNull(issuedBy, "issuedBy");
    }

    @Override
    public String request(String tenant, String entityType, List<String> ids) {
        String requestId = UUID.randomUUID().toString();
        publisher.publishResync(
                requestId,
                ResyncRequest.newBuilder()
                        .setTenant(tenant)
                        .setEntityType(entityType)
                        .setIds(List.copyOf(ids))
                        .build(),
                issuedBy);
        publisher.flush();
        return requestId;
    }

    @Override
    public void awaitServed(List<String> requestIds, Duration timeout) {
        // The job's re-sync status table (syncline_resyncs) is not in this build yet.
        throw new ReconcileException(
                "published "
                        + requestIds.size()
                        + " re-sync request(s) on "
                        + publisher.topic()
                        + ", but this build cannot yet tell when the sync job has served them;"
                        + " run syncline reconcile again once the job has caught up");
    }
}
