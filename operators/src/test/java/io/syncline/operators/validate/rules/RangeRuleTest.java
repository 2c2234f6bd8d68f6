package io.syncline.operators.validate.rules;

import static io.syncline.operators.validate.Changes.bool;
import static io.syncline.operators.validate.Changes.date;
import static io.syncline.operators.validate.Changes.decimal;
import static io.syncline.operators.validate.Changes.doubleValue;
import static io.syncline.operators.validate.Changes.floatValue;
import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.intValue;
import static io.syncline.operators.validate.Changes.longValue;
import static io.syncline.operators.validate.Changes.nullOf;
import static io.syncline.operators.validate.Changes.text;
import static io.syncline.operators.validate.Changes.timestamp;
import static io.syncline.operators.validate.Changes.timestampTz;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RangeRuleTest {

    private static final RangeRule LIMIT = new RangeRule("credit_limit", "0", "1000000");
    private static final RangeRule SIGNED_ON =
            new RangeRule("signed_on", "2000-01-01", "2100-12-31");

    private static Optional<Violation> limit(FieldValue value) {
        return LIMIT.check(image("credit_limit", value));
    }

    private static Optional<Violation> signedOn(FieldValue value) {
        return SIGNED_ON.check(image("signed_on", value));
    }

    private static Violation limitViolation(String description, String value) {
        return new Violation("credit_limit", ValidationCodes.RULE_RANGE, description, value);
    }

    private static Violation signedOnViolation(String description, String value) {
        return new Violation("signed_on", ValidationCodes.RULE_RANGE, description, value);
    }

    static FieldValue[] numbersInside() {
        return new FieldValue[] {
            intValue(0),
            intValue(1_000_000),
            longValue(0L),
            longValue(1_000_000L),
            floatValue(0.0f),
            doubleValue(0.0),
            doubleValue(1_000_000.0),
            decimal("0"),
            decimal("0.00"),
            decimal("1000000.000"),
            decimal("999999.99")
        };
    }

    @ParameterizedTest
    @MethodSource("numbersInside")
    void numbersOfEveryKindOnOrInsideTheBoundsPass(FieldValue value) {
        assertThat(limit(value)).isEmpty();
    }

    @Test
    void numbersOfEveryKindJustOutsideTheBoundsBreakTheRule() {
        String between = "must be between 0 and 1000000";

        assertThat(limit(intValue(-1))).contains(limitViolation(between, "-1"));
        assertThat(limit(intValue(1_000_001))).contains(limitViolation(between, "1000001"));
        assertThat(limit(longValue(1_000_001L))).contains(limitViolation(between, "1000001"));
        assertThat(limit(longValue(Long.MIN_VALUE)))
                .contains(limitViolation(between, "-9223372036854775808"));
        assertThat(limit(doubleValue(-0.001))).contains(limitViolation(between, "-0.001"));
        assertThat(limit(doubleValue(1_000_000.5))).contains(limitViolation(between, "1000000.5"));
        assertThat(limit(decimal("-0.01"))).contains(limitViolation(between, "-0.01"));
        assertThat(limit(decimal("1000000.0001")))
                .contains(limitViolation(between, "1000000.0001"));
    }

    @Test
    void decimalBoundsCompareExactly() {
        RangeRule rate = new RangeRule("rate", "0.05", "0.25");

        assertThat(rate.check(image("rate", decimal("0.050")))).isEmpty();
        assertThat(rate.check(image("rate", doubleValue(0.25)))).isEmpty();
        assertThat(rate.check(image("rate", decimal("0.2500000001"))))
                .contains(
                        new Violation(
                                "rate",
                                ValidationCodes.RULE_RANGE,
                                "must be between 0.05 and 0.25",
                                "0.2500000001"));
        assertThat(rate.check(image("rate", intValue(0))))
                .contains(
                        new Violation(
                                "rate",
                                ValidationCodes.RULE_RANGE,
                                "must be between 0.05 and 0.25",
                                "0"));
    }

    @Test
    void aSingleBoundChecksOneSideOnly() {
        RangeRule atLeast = new RangeRule("age", "18", null);
        RangeRule atMost = new RangeRule("age", null, "150");

        assertThat(atLeast.check(image("age", intValue(18)))).isEmpty();
        assertThat(atLeast.check(image("age", longValue(Long.MAX_VALUE)))).isEmpty();
        assertThat(atLeast.check(image("age", intValue(17))))
                .contains(
                        new Violation(
                                "age", ValidationCodes.RULE_RANGE, "must be at least 18", "17"));
        assertThat(atMost.check(image("age", intValue(150)))).isEmpty();
        assertThat(atMost.check(image("age", intValue(-40)))).isEmpty();
        assertThat(atMost.check(image("age", intValue(151))))
                .contains(
                        new Violation(
                                "age", ValidationCodes.RULE_RANGE, "must be at most 150", "151"));
    }

    @Test
    void minEqualToMaxAllowsExactlyThatValue() {
        RangeRule exactly = new RangeRule("quantity", "1", "1.0");

        assertThat(exactly.check(image("quantity", intValue(1)))).isEmpty();
        assertThat(exactly.check(image("quantity", intValue(2))))
                .contains(
                        new Violation(
                                "quantity",
                                ValidationCodes.RULE_RANGE,
                                "must be between 1 and 1.0",
                                "2"));
    }

    @Test
    void datesAreComparedInclusivelyWithTheDatePartOfEveryDateKind() {
        assertThat(signedOn(date("2000-01-01"))).isEmpty();
        assertThat(signedOn(date("2100-12-31"))).isEmpty();
        assertThat(signedOn(timestamp("2000-01-01T00:00:00"))).isEmpty();
        assertThat(signedOn(timestamp("2100-12-31T23:59:59.999999"))).isEmpty();
        assertThat(signedOn(timestampTz("2100-12-31T23:30:00-05:00"))).isEmpty();
        assertThat(signedOn(timestampTz("2000-01-01T00:00:00Z"))).isEmpty();
        assertThat(signedOn(text("2000-01-01"))).isEmpty();
        assertThat(signedOn(text("2100-12-31"))).isEmpty();
    }

    @Test
    void datesOneDayOutsideTheBoundsBreakTheRule() {
        String between = "must be between 2000-01-01 and 2100-12-31";

        assertThat(signedOn(date("1999-12-31"))).contains(signedOnViolation(between, "1999-12-31"));
        assertThat(signedOn(date("2101-01-01"))).contains(signedOnViolation(between, "2101-01-01"));
        assertThat(signedOn(timestamp("1999-12-31T23:59:59.999999")))
                .contains(signedOnViolation(between, "1999-12-31T23:59:59.999999"));
        assertThat(signedOn(timestamp("2101-01-01T00:00:00")))
                .contains(signedOnViolation(between, "2101-01-01T00:00"));
        assertThat(signedOn(timestampTz("2101-01-01T00:00:00+14:00")))
                .contains(signedOnViolation(between, "2101-01-01T00:00:00+14:00"));
        assertThat(signedOn(text("1999-12-31"))).contains(signedOnViolation(between, "1999-12-31"));
    }

    @Test
    void isoDateTimeTextIsComparedByItsDatePart() {
        String between = "must be between 2000-01-01 and 2100-12-31";

        assertThat(signedOn(text("2100-12-31T23:59:59Z"))).isEmpty();
        assertThat(signedOn(text("2000-01-01T00:00:00"))).isEmpty();
        assertThat(signedOn(text("1999-12-31T23:59:59+01:00")))
                .contains(signedOnViolation(between, "1999-12-31T23:59:59+01:00"));
    }

    @Test
    void missingAndNullValuesAreNotChecked() {
        assertThat(LIMIT.check(image())).isEmpty();
        assertThat(LIMIT.check(image("other", intValue(-5)))).isEmpty();
        assertThat(limit(null)).isEmpty();
        assertThat(limit(nullOf(FieldKind.INT))).isEmpty();
        assertThat(signedOn(nullOf(FieldKind.DATE))).isEmpty();
    }

    @Test
    void aValueOfTheWrongKindBreaksANumberRange() {
        String expected = "must be a number between 0 and 1000000";

        assertThat(limit(text("42"))).contains(limitViolation(expected, "42"));
        assertThat(limit(bool(true))).contains(limitViolation(expected, "true"));
        assertThat(limit(date("2024-01-31"))).contains(limitViolation(expected, "2024-01-31"));
        assertThat(limit(doubleValue(Double.NaN))).contains(limitViolation(expected, "NaN"));
        assertThat(limit(decimal("12,50"))).contains(limitViolation(expected, "12,50"));
    }

    @Test
    void aValueOfTheWrongKindBreaksADateRange() {
        String expected = "must be a date between 2000-01-01 and 2100-12-31";

        assertThat(signedOn(intValue(20240131))).contains(signedOnViolation(expected, "20240131"));
        assertThat(signedOn(text("31/01/2024")))
                .contains(signedOnViolation(expected, "31/01/2024"));
        assertThat(signedOn(text("2024-02-30")))
                .contains(signedOnViolation(expected, "2024-02-30"));
        assertThat(signedOn(bool(false))).contains(signedOnViolation(expected, "false"));
    }

    @Test
    void minGreaterThanMaxIsRejected() {
        assertThatThrownBy(() -> new RangeRule("credit_limit", "10", "5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("min (10) is greater than max (5)");
        assertThatThrownBy(() -> new RangeRule("signed_on", "2100-12-31", "2000-01-01"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("min (2100-12-31) is greater than max (2000-01-01)");
    }

    @Test
    void boundsOfMixedKindsAreRejected() {
        assertThatThrownBy(() -> new RangeRule("signed_on", "0", "2100-12-31"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "min and max must both be numbers or both be dates, were '0' and"
                                + " '2100-12-31'");
    }

    @Test
    void aRangeWithoutBoundsOrWithAnUnreadableBoundIsRejected() {
        assertThatThrownBy(() -> new RangeRule("credit_limit", null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a range needs min, max or both");
        assertThatThrownBy(() -> new RangeRule("credit_limit", "zero", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'zero' is neither a number nor an ISO date (2024-01-31)");
        assertThatThrownBy(() -> new RangeRule("signed_on", null, "31/12/2100"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'31/12/2100' is neither a number nor an ISO date (2024-01-31)");
    }

    @Test
    void theRuleIsAboutItsField() {
        assertThat(LIMIT.field()).isEqualTo("credit_limit");
    }
}
