package io.syncline.operators.validate.correct;

import io.syncline.operators.validate.ExpectedType;
import io.syncline.operators.validate.FieldValues;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lossless conversions of a value to the type its schema expects. A conversion that could lose or
 * invent information (a fraction, an overflow, a day-month order, a time zone, sub-microsecond
 * precision) is not made.
 */
final class Conversions {

    /** Plain decimal notation; no exponent, no grouping, no locale decimal comma. */
    private static final Pattern PLAIN_DECIMAL =
            Pattern.compile("[+-]?(?:\\d+(?:\\.\\d+)?|\\.\\d+)");

    /** Year first, so the order of month and day is not in doubt. */
    private static final Pattern YEAR_FIRST_DATE =
            Pattern.compile("(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})");

    private static final Pattern COMPACT_DATE = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})");

    private static final int DATE_TIME_SEPARATOR = 10;

    private Conversions() {}

    /** Whether a value of {@code kind} already has the {@code expected} type. */
    static boolean fits(FieldKind kind, ExpectedType expected) {
        return switch (expected) {
            case BOOLEAN -> kind == FieldKind.BOOLEAN;
            case INTEGER -> kind == FieldKind.INT || kind == FieldKind.LONG;
            case NUMBER -> isNumber(kind);
            case STRING -> kind == FieldKind.STRING;
            case DATE -> kind == FieldKind.DATE;
            case DATE_TIME -> kind == FieldKind.TIMESTAMP || kind == FieldKind.TIMESTAMP_TZ;
            case ANY -> true;
        };
    }

    /**
     * {@code value} (not null) converted to the {@code expected} type, or empty if it has that type
     * already or cannot be converted without loss.
     */
    static Optional<FieldValue> convert(FieldValue value, ExpectedType expected) {
        if (fits(value.getKind(), expected)) {
            return Optional.empty();
        }
        FieldKind kind = value.getKind();
        Object raw = value.getValue();
        return switch (expected) {
            case BOOLEAN -> toBoolean(kind, raw);
            case INTEGER -> toInteger(kind, raw);
            case NUMBER -> kind == FieldKind.STRING ? toNumber(raw.toString()) : Optional.empty();
            case STRING -> toText(kind, raw);
            case DATE -> kind == FieldKind.STRING ? toDate(raw.toString()) : Optional.empty();
            case DATE_TIME ->
                    kind == FieldKind.STRING ? toDateTime(raw.toString()) : Optional.empty();
            case ANY -> Optional.empty();
        };
    }

    /** How a remediation's reason names a value of {@code kind}. */
    static String describe(FieldKind kind) {
        return switch (kind) {
            case BOOLEAN -> "boolean";
            case INT, LONG -> "integer";
            case FLOAT, DOUBLE -> "floating-point number";
            case DECIMAL -> "decimal";
            case STRING -> "text";
            case DATE -> "date";
            case TIME -> "time";
            case TIMESTAMP, TIMESTAMP_TZ -> "date-time";
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }

    /** How a remediation's reason names the {@code expected} type. */
    static String describe(ExpectedType expected) {
        return switch (expected) {
            case STRING -> "text";
            case DATE_TIME -> "date-time";
            default -> expected.name().toLowerCase(Locale.ROOT);
        };
    }

    private static boolean isNumber(FieldKind kind) {
        return switch (kind) {
            case INT, LONG, FLOAT, DOUBLE, DECIMAL -> true;
            default -> false;
        };
    }

    private static Optional<FieldValue> toBoolean(FieldKind kind, Object raw) {
        Boolean bool =
                switch (kind) {
                    case STRING ->
                            switch (raw.toString().toLowerCase(Locale.ROOT)) {
                                case "true", "yes", "1" -> Boolean.TRUE;
                                case "false", "no", "0" -> Boolean.FALSE;
                                default -> null;
                            };
                    case INT, LONG -> {
                        long number = raw instanceof Number n ? n.longValue() : -1;
                        yield number == 1 ? Boolean.TRUE : number == 0 ? Boolean.FALSE : null;
                    }
                    default -> null;
                };
        return Optional.ofNullable(bool).map(b -> new FieldValue(FieldKind.BOOLEAN, b));
    }

    private static Optional<FieldValue> toInteger(FieldKind kind, Object raw) {
        BigDecimal number =
                switch (kind) {
                    case STRING -> plainDecimal(raw.toString());
                    case DECIMAL -> plainDecimal(raw.toString());
                    case FLOAT, DOUBLE ->
                            raw instanceof Number n && Double.isFinite(n.doubleValue())
                                    ? new BigDecimal(n.doubleValue())
                                    : null;
                    default -> null;
                };
        if (number == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new FieldValue(FieldKind.LONG, number.longValueExact()));
        } catch (ArithmeticException fractionOrOverflow) {
            return Optional.empty();
        }
    }

    private static Optional<FieldValue> toNumber(String text) {
        BigDecimal number = plainDecimal(text);
        return number == null
                ? Optional.empty()
                : Optional.of(new FieldValue(FieldKind.DECIMAL, number.toPlainString()));
    }

    private static BigDecimal plainDecimal(String text) {
        return PLAIN_DECIMAL.matcher(text).matches() ? new BigDecimal(text) : null;
    }

    private static Optional<FieldValue> toText(FieldKind kind, Object raw) {
        String text =
                switch (kind) {
                    case INT, LONG, DECIMAL, BOOLEAN -> raw.toString();
                    case FLOAT, DOUBLE ->
                            raw instanceof Number n ? floatingText(n, raw.toString()) : null;
                    default -> null;
                };
        return Optional.ofNullable(text).map(FieldValues::string);
    }

    /** The shortest decimal that reads back as the same floating-point value, plainly written. */
    private static String floatingText(Number value, String shortest) {
        return Double.isFinite(value.doubleValue())
                ? new BigDecimal(shortest).stripTrailingZeros().toPlainString()
                : null;
    }

    private static Optional<FieldValue> toDate(String text) {
        Matcher matcher = YEAR_FIRST_DATE.matcher(text);
        if (matcher.matches()) {
            return date(matcher.group(1), matcher.group(3), matcher.group(4));
        }
        matcher = COMPACT_DATE.matcher(text);
        if (matcher.matches()) {
            return date(matcher.group(1), matcher.group(2), matcher.group(3));
        }
        return Optional.empty();
    }

    private static Optional<FieldValue> date(String year, String month, String day) {
        try {
            LocalDate date =
                    LocalDate.of(
                            Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day));
            return Optional.of(new FieldValue(FieldKind.DATE, (int) date.toEpochDay()));
        } catch (DateTimeException noSuchDay) {
            return Optional.empty();
        }
    }

    private static Optional<FieldValue> toDateTime(String text) {
        String iso = isoSeparated(text);
        try {
            OffsetDateTime withOffset =
                    OffsetDateTime.parse(iso, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return Optional.of(
                    new FieldValue(FieldKind.TIMESTAMP_TZ, withOffset.toInstant().toString()));
        } catch (DateTimeParseException notWithOffset) {
            // try without an offset below
        }
        try {
            LocalDateTime local = LocalDateTime.parse(iso, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            if (local.getNano() % 1000 != 0) {
                return Optional.empty();
            }
            return Optional.of(
                    new FieldValue(
                            FieldKind.TIMESTAMP,
                            FieldValues.micros(local.toInstant(ZoneOffset.UTC))));
        } catch (DateTimeParseException | ArithmeticException notADateTime) {
            return Optional.empty();
        }
    }

    /** {@code 2024-01-31 10:15:30} written as {@code 2024-01-31T10:15:30}. */
    private static String isoSeparated(String text) {
        if (text.length() > DATE_TIME_SEPARATOR && text.charAt(DATE_TIME_SEPARATOR) == ' ') {
            return text.substring(0, DATE_TIME_SEPARATOR)
                    + 'T'
                    + text.substring(DATE_TIME_SEPARATOR + 1);
        }
        return text;
    }
}
