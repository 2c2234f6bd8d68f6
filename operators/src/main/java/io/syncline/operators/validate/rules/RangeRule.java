package io.syncline.operators.validate.rules;

import io.syncline.operators.validate.FieldValues;
import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldValue;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * A numeric or date range, bounds inclusive, either bound optional. Numbers compare exactly; dates
 * (ISO {@code 2024-01-31}) compare with the date part of date and timestamp values, and of ISO date
 * or date-time text. A missing or null value is not checked: that is what {@link RequiredRule} is
 * for.
 */
public final class RangeRule implements Rule {

    private final String field;
    private final Bound min;
    private final Bound max;

    /** A bound is a number or an ISO date; both bounds must be of one kind. */
    public RangeRule(String field, String min, String max) {
        if (min == null && max == null) {
            throw new IllegalArgumentException("a range needs min, max or both");
        }
        this.field = field;
        this.min = min == null ? null : Bound.parse(min);
        this.max = max == null ? null : Bound.parse(max);
        if (this.min != null && this.max != null) {
            if (this.min.isDate() != this.max.isDate()) {
                throw new IllegalArgumentException(
                        "min and max must both be numbers or both be dates, were '"
                                + min
                                + "' and '"
                                + max
                                + "'");
            }
            if (this.min.compareTo(this.max) > 0) {
                throw new IllegalArgumentException(
                        "min (" + min + ") is greater than max (" + max + ")");
            }
        }
    }

    @Override
    public String field() {
        return field;
    }

    @Override
    public Optional<Violation> check(Map<String, FieldValue> image) {
        FieldValue value = image.get(field);
        if (FieldValues.isNull(value)) {
            return Optional.empty();
        }
        Bound kind = min != null ? min : max;
        Bound actual = kind.isDate() ? Bound.dateOf(value) : Bound.numberOf(value);
        if (actual == null) {
            return Optional.of(
                    violation(
                            value,
                            "must be "
                                    + (kind.isDate() ? "a date" : "a number")
                                    + " "
                                    + describe()));
        }
        if ((min != null && actual.compareTo(min) < 0)
                || (max != null && actual.compareTo(max) > 0)) {
            return Optional.of(violation(value, "must be " + describe()));
        }
        return Optional.empty();
    }

    private Violation violation(FieldValue value, String description) {
        return new Violation(
                field, ValidationCodes.RULE_RANGE, description, FieldValues.text(value));
    }

    private String describe() {
        if (min != null && max != null) {
            return "between " + min + " and " + max;
        }
        return min != null ? "at least " + min : "at most " + max;
    }

    /** A number or a date, comparable with bounds of its own kind. */
    private record Bound(BigDecimal number, LocalDate date) implements Comparable<Bound> {

        private static final int ISO_DATE_LENGTH = "2024-01-31".length();

        static Bound parse(String text) {
            try {
                return new Bound(new BigDecimal(text.trim()), null);
            } catch (NumberFormatException notANumber) {
                try {
                    return new Bound(null, LocalDate.parse(text.trim()));
                } catch (DateTimeParseException notADate) {
                    throw new IllegalArgumentException(
                            "'" + text + "' is neither a number nor an ISO date (2024-01-31)");
                }
            }
        }

        static Bound numberOf(FieldValue value) {
            if (!FieldValues.isNumeric(value)) {
                return null;
            }
            try {
                return new Bound(new BigDecimal(FieldValues.text(value)), null);
            } catch (NumberFormatException e) {
                return null; // NaN and infinities are not in any range
            }
        }

        static Bound dateOf(FieldValue value) {
            String text = FieldValues.text(value);
            try {
                return switch (value.getKind()) {
                    case DATE -> new Bound(null, LocalDate.parse(text));
                    case TIMESTAMP -> new Bound(null, LocalDateTime.parse(text).toLocalDate());
                    case TIMESTAMP_TZ -> new Bound(null, OffsetDateTime.parse(text).toLocalDate());
                    case STRING -> new Bound(null, isoDate(text));
                    default -> null;
                };
            } catch (DateTimeParseException e) {
                return null;
            }
        }

        /** The date of ISO text: a date, or the date part of a date-time with or without offset. */
        private static LocalDate isoDate(String text) {
            if (text.length() <= ISO_DATE_LENGTH) {
                return LocalDate.parse(text);
            }
            try {
                return OffsetDateTime.parse(text).toLocalDate();
            } catch (DateTimeParseException withoutOffset) {
                return LocalDateTime.parse(text).toLocalDate();
            }
        }

        boolean isDate() {
            return date != null;
        }

        @Override
        public int compareTo(Bound other) {
            return isDate() ? date.compareTo(other.date) : number.compareTo(other.number);
        }

        @Override
        public String toString() {
            return isDate() ? date.toString() : number.toPlainString();
        }
    }
}
