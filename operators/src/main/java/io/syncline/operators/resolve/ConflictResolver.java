package io.syncline.operators.resolve;

import java.io.Serializable;
import java.util.Map;

/**
 * A user's rule for deciding a conflict between two versions of one entity, named in the
 * configuration by class name ({@code strategy: custom}, {@code resolver: com.example.MyRule}) and
 * loaded with its public no-argument constructor. It must be deterministic and free of I/O: it runs
 * inside the job for every conflict of its entity type, and after a restore it decides the same
 * conflicts again.
 *
 * <p>{@link io.syncline.operators.resolve.examples.HighestValueWins} is a shipped example.
 */
public interface ConflictResolver extends Serializable {

    /**
     * Receives the resolver's {@code options} from the configuration once, before the first
     * conflict; throw {@link IllegalArgumentException} naming the option to reject bad ones.
     */
    default void configure(Map<String, String> options) {}

    /**
     * Decides a conflict.
     *
     * @param applied the version the targets hold
     * @param incoming the version that arrived and competes with it
     */
    Decision resolve(Candidate applied, Candidate incoming);
}
