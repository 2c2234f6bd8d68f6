package io.syncline.operators.resolve;

import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ConflictDecision;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys a decision by the entity it decides, so it meets the entity's changes in resolve. */
public final class ConflictDecisionKeys implements KeySelector<ConflictDecision, String> {

    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(ConflictDecision decision) {
        return EntityKeys.of(
                decision.getTenant(), decision.getEntityType(), decision.getEntityId());
    }
}
