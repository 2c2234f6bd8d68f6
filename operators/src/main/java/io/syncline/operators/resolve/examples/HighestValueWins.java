package io.syncline.operators.resolve.examples;

import io.syncline.operators.resolve.Candidate;
import io.syncline.operators.resolve.ConflictResolver;
import io.syncline.operators.resolve.Decision;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Example {@link ConflictResolver}: the version with the higher value in a numeric field wins, e.g.
 * "the highest credit limit wins" ({@code options: {field: credit_limit}}). A version whose value
 * is missing loses to one that has it; a delete loses to a version that keeps the entity; on a tie
 * the applied version stays.
 */
public final class HighestValueWins implements ConflictResolver {

    private static final long serialVersionUID = 1L;

    private String field = "amount";

    @Override
    public void configure(Map<String, String> options) {
        String configured = options.get("field");
        if (configured != null) {
            if (configured.isBlank()) {
                throw new IllegalArgumentException(
                        "option 'field' is blank; name the numeric field whose highest value wins");
            }
            field = configured;
        }
    }

    /** The field compared. */
    public String field() {
        return field;
    }

    @Override
    public Decision resolve(Candidate applied, Candidate incoming) {
        if (applied.deleted() != incoming.deleted()) {
            return applied.deleted() ? Decision.takeIncoming() : Decision.keepApplied();
        }
        BigDecimal current = applied.number(field);
        BigDecimal offered = incoming.number(field);
        if (offered == null) {
            return Decision.keepApplied();
        }
        return current == null || offered.compareTo(current) > 0
                ? Decision.takeIncoming()
                : Decision.keepApplied();
    }
}
