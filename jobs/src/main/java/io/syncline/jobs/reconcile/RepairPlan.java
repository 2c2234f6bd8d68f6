package io.syncline.jobs.reconcile;

import java.util.ArrayList;
import java.util.List;

/**
 * The re-sync requests that repair a reconciliation's differences: per tenant and entity type,
 * every missing, differing and extra entity id, at most {@link #MAX_IDS} to a request.
 */
public final class RepairPlan {

    /** Ids per request, so that one control command stays small. */
    public static final int MAX_IDS = 500;

    /** One re-sync request. */
    public record Request(String tenant, String entityType, List<String> ids) {
        public Request {
            ids = List.copyOf(ids);
        }
    }

    private RepairPlan() {}

    public static List<Request> of(ReconcileRun run) {
        List<Request> requests = new ArrayList<>();
        for (UnitResult unit : run.units()) {
            List<String> ids = unit.differences().stream().map(Difference::entityId).toList();
            for (int from = 0; from < ids.size(); from += MAX_IDS) {
                requests.add(
                        new Request(
                                unit.tenant(),
                                unit.entityType(),
                                ids.subList(from, Math.min(ids.size(), from + MAX_IDS))));
            }
        }
        return requests;
    }
}
