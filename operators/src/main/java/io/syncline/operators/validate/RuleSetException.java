package io.syncline.operators.validate;

import java.util.List;

/** A rule set that cannot be put in force, with every problem found in it. */
public final class RuleSetException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * @param problems each names the place in the rule file, what is wrong and the fix
     */
    public RuleSetException(List<String> problems) {
        super("the rule set is invalid:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, each naming the place in the rule file, what is wrong and the fix. */
    public List<String> problems() {
        return problems;
    }
}
