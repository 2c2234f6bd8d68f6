package io.syncline.operators.validate.rules;

import io.syncline.operators.validate.FieldValues;
import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldValue;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The field's value, as text, must match a regular expression as a whole. Null is not checked. A
 * match gets a budget of character reads, so a pattern that backtracks catastrophically (nested
 * repetition such as {@code (a+)+$}) rejects the value instead of stalling the validation stage.
 */
public final class PatternRule implements Rule {

    private final String field;
    private final Pattern pattern;

    /**
     * @throws IllegalArgumentException if {@code regex} is not a Java regular expression
     */
    public PatternRule(String field, String regex) {
        this.field = field;
        try {
            this.pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "'" + regex + "' is not a regular expression: " + e.getDescription());
        }
    }

    @Override
    public String field() {
        return field;
    }

    /** Character reads one match may make: far above what a sane pattern needs. */
    static final long READ_BUDGET = 1_000_000L;

    @Override
    public Optional<Violation> check(Map<String, FieldValue> image) {
        String text = FieldValues.text(image.get(field));
        if (text == null) {
            return Optional.empty();
        }
        String problem;
        try {
            if (pattern.matcher(new BudgetedText(text, READ_BUDGET)).matches()) {
                return Optional.empty();
            }
            problem = "must match " + pattern.pattern();
        } catch (BudgetExceeded e) {
            problem =
                    "could not be matched against "
                            + pattern.pattern()
                            + " within "
                            + READ_BUDGET
                            + " steps; the pattern backtracks too much (nested repetition?),"
                            + " simplify it";
        }
        return Optional.of(new Violation(field, ValidationCodes.RULE_PATTERN, problem, text));
    }

    /** Text that counts its character reads and gives up past a budget. */
    private static final class BudgetedText implements CharSequence {

        private final String text;
        private final long[] reads;
        private final long budget;

        BudgetedText(String text, long budget) {
            this(text, new long[1], budget);
        }

        private BudgetedText(String text, long[] reads, long budget) {
            this.text = text;
            this.reads = reads;
            this.budget = budget;
        }

        @Override
        public char charAt(int index) {
            if (++reads[0] > budget) {
                throw new BudgetExceeded();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BudgetedText(text.substring(start, end), reads, budget);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static final class BudgetExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetExceeded() {
            super(null, null, false, false);
        }
    }
}
