package io.syncline.operators.validate.correct;

import static io.syncline.operators.validate.correct.Images.assertChanges;
import static io.syncline.operators.validate.correct.Images.change;
import static io.syncline.operators.validate.correct.Images.fields;
import static io.syncline.operators.validate.correct.Images.image;
import static io.syncline.operators.validate.correct.Images.spec;
import static io.syncline.operators.validate.correct.Images.text;
import static io.syncline.operators.validate.correct.Images.value;
import static io.syncline.schema.RemediationAction.CONVERTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.syncline.operators.validate.ExpectedType;
import io.syncline.operators.validate.FieldValues;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CorrectorConversionTest {

    /** 2024-01-31 in days since the epoch. */
    private static final int JAN_31_2024 = 19_753;

    /** 2024-01-31T10:15:30 in microseconds since the epoch. */
    private static final long JAN_31_2024_10_15_30 = 1_706_696_130_000_000L;

    private static Corrected correct(ExpectedType type, FieldValue value) {
        return new Corrector(
                        new CorrectionSettings(fields(spec("f", type)), Map.of(), Map.of(), null))
                .correct(image("f", value));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("lossless")
    void convertsLosslessly(ExpectedType type, FieldValue from, FieldValue to, String fromText) {
        Corrected corrected = correct(type, from);

        assertThat(corrected.image()).isEqualTo(image("f", to));
        assertChanges(corrected)
                .containsExactly(change("f", CONVERTED, fromText, FieldValues.text(to)));
    }

    static Stream<Arguments> lossless() {
        return Stream.of(
                arguments(ExpectedType.INTEGER, text("42"), value(FieldKind.LONG, 42L), "42"),
                arguments(ExpectedType.INTEGER, text("-7"), value(FieldKind.LONG, -7L), "-7"),
                arguments(ExpectedType.INTEGER, text("+8"), value(FieldKind.LONG, 8L), "+8"),
                arguments(ExpectedType.INTEGER, text("42.0"), value(FieldKind.LONG, 42L), "42.0"),
                arguments(
                        ExpectedType.INTEGER,
                        text("9223372036854775807"),
                        value(FieldKind.LONG, Long.MAX_VALUE),
                        "9223372036854775807"),
                arguments(
                        ExpectedType.INTEGER,
                        value(FieldKind.DECIMAL, "42"),
                        value(FieldKind.LONG, 42L),
                        "42"),
                arguments(
                        ExpectedType.INTEGER,
                        value(FieldKind.DECIMAL, "-42.00"),
                        value(FieldKind.LONG, -42L),
                        "-42.00"),
                arguments(
                        ExpectedType.INTEGER,
                        value(FieldKind.DOUBLE, 42.0),
                        value(FieldKind.LONG, 42L),
                        "42.0"),
                arguments(
                        ExpectedType.INTEGER,
                        value(FieldKind.FLOAT, 3.0f),
                        value(FieldKind.LONG, 3L),
                        "3.0"),
                arguments(
                        ExpectedType.NUMBER,
                        text("3.50"),
                        value(FieldKind.DECIMAL, "3.50"),
                        "3.50"),
                arguments(
                        ExpectedType.NUMBER, text("+3.5"), value(FieldKind.DECIMAL, "3.5"), "+3.5"),
                arguments(ExpectedType.NUMBER, text(".5"), value(FieldKind.DECIMAL, "0.5"), ".5"),
                arguments(ExpectedType.NUMBER, text("-12"), value(FieldKind.DECIMAL, "-12"), "-12"),
                arguments(
                        ExpectedType.NUMBER,
                        text("123456789012345678901234567890.000000001"),
                        value(FieldKind.DECIMAL, "123456789012345678901234567890.000000001"),
                        "123456789012345678901234567890.000000001"),
                arguments(
                        ExpectedType.BOOLEAN, text("true"), value(FieldKind.BOOLEAN, true), "true"),
                arguments(
                        ExpectedType.BOOLEAN,
                        text("FALSE"),
                        value(FieldKind.BOOLEAN, false),
                        "FALSE"),
                arguments(ExpectedType.BOOLEAN, text("Yes"), value(FieldKind.BOOLEAN, true), "Yes"),
                arguments(ExpectedType.BOOLEAN, text("no"), value(FieldKind.BOOLEAN, false), "no"),
                arguments(ExpectedType.BOOLEAN, text("1"), value(FieldKind.BOOLEAN, true), "1"),
                arguments(ExpectedType.BOOLEAN, text("0"), value(FieldKind.BOOLEAN, false), "0"),
                arguments(
                        ExpectedType.BOOLEAN,
                        value(FieldKind.INT, 1),
                        value(FieldKind.BOOLEAN, true),
                        "1"),
                arguments(
                        ExpectedType.BOOLEAN,
                        value(FieldKind.LONG, 0L),
                        value(FieldKind.BOOLEAN, false),
                        "0"),
                arguments(
                        ExpectedType.DATE,
                        text("2024-01-31"),
                        value(FieldKind.DATE, JAN_31_2024),
                        "2024-01-31"),
                arguments(
                        ExpectedType.DATE,
                        text("2024/01/31"),
                        value(FieldKind.DATE, JAN_31_2024),
                        "2024/01/31"),
                arguments(
                        ExpectedType.DATE,
                        text("2024.01.31"),
                        value(FieldKind.DATE, JAN_31_2024),
                        "2024.01.31"),
                arguments(
                        ExpectedType.DATE,
                        text("20240131"),
                        value(FieldKind.DATE, JAN_31_2024),
                        "20240131"),
                arguments(
                        ExpectedType.DATE,
                        text("2024-1-5"),
                        value(FieldKind.DATE, 19_727),
                        "2024-1-5"),
                arguments(
                        ExpectedType.DATE,
                        text("1970-01-01"),
                        value(FieldKind.DATE, 0),
                        "1970-01-01"),
                arguments(
                        ExpectedType.DATE_TIME,
                        text("2024-01-31T10:15:30"),
                        value(FieldKind.TIMESTAMP, JAN_31_2024_10_15_30),
                        "2024-01-31T10:15:30"),
                arguments(
                        ExpectedType.DATE_TIME,
                        text("2024-01-31 10:15:30"),
                        value(FieldKind.TIMESTAMP, JAN_31_2024_10_15_30),
                        "2024-01-31 10:15:30"),
                arguments(
                        ExpectedType.DATE_TIME,
                        text("2024-01-31T10:15:30.123456"),
                        value(FieldKind.TIMESTAMP, JAN_31_2024_10_15_30 + 123_456L),
                        "2024-01-31T10:15:30.123456"),
                arguments(
                        ExpectedType.DATE_TIME,
                        text("2024-01-31T10:15"),
                        value(FieldKind.TIMESTAMP, JAN_31_2024_10_15_30 - 30_000_000L),
                        "2024-01-31T10:15"),
                arguments(
                        ExpectedType.DATE_TIME,
                        text("2024-01-31T10:15:30Z"),
                        value(FieldKind.TIMESTAMP_TZ, "2024-01-31T10:15:30Z"),
                        "2024-01-31T10:15:30Z"),
                arguments(
                        ExpectedType.DATE_TIME,
                        text("2024-01-31T10:15:30+02:00"),
                        value(FieldKind.TIMESTAMP_TZ, "2024-01-31T08:15:30Z"),
                        "2024-01-31T10:15:30+02:00"),
                arguments(
                        ExpectedType.DATE_TIME,
                        text("2024-01-31 10:15:30.5-05:00"),
                        value(FieldKind.TIMESTAMP_TZ, "2024-01-31T15:15:30.500Z"),
                        "2024-01-31 10:15:30.5-05:00"),
                arguments(ExpectedType.STRING, value(FieldKind.LONG, 42L), text("42"), "42"),
                arguments(ExpectedType.STRING, value(FieldKind.INT, -3), text("-3"), "-3"),
                arguments(
                        ExpectedType.STRING,
                        value(FieldKind.DECIMAL, "3.50"),
                        text("3.50"),
                        "3.50"),
                arguments(ExpectedType.STRING, value(FieldKind.DOUBLE, 1.5), text("1.5"), "1.5"),
                arguments(
                        ExpectedType.STRING,
                        value(FieldKind.DOUBLE, 1e20),
                        text("100000000000000000000"),
                        "1.0E20"),
                arguments(ExpectedType.STRING, value(FieldKind.FLOAT, 0.1f), text("0.1"), "0.1"),
                arguments(
                        ExpectedType.STRING, value(FieldKind.BOOLEAN, true), text("true"), "true"));
    }

    @ParameterizedTest(name = "{0} {1} stays")
    @MethodSource("lossy")
    void leavesAloneWhatCannotBeConvertedLosslessly(ExpectedType type, FieldValue value) {
        Corrected corrected = correct(type, value);

        assertThat(corrected.image()).isEqualTo(image("f", value));
        assertThat(corrected.remediations()).isEmpty();
    }

    static Stream<Arguments> lossy() {
        return Stream.of(
                arguments(ExpectedType.INTEGER, text("4.2")),
                arguments(ExpectedType.INTEGER, text("42abc")),
                arguments(ExpectedType.INTEGER, text("1e3")),
                arguments(ExpectedType.INTEGER, text("1,000")),
                arguments(ExpectedType.INTEGER, text("0x1F")),
                arguments(ExpectedType.INTEGER, text("")),
                arguments(ExpectedType.INTEGER, text("9223372036854775808")),
                arguments(ExpectedType.INTEGER, value(FieldKind.DECIMAL, "4.2")),
                arguments(ExpectedType.INTEGER, value(FieldKind.DECIMAL, "1e400")),
                arguments(ExpectedType.INTEGER, value(FieldKind.DOUBLE, 4.5)),
                arguments(ExpectedType.INTEGER, value(FieldKind.DOUBLE, 1e19)),
                arguments(ExpectedType.INTEGER, value(FieldKind.DOUBLE, Double.NaN)),
                arguments(ExpectedType.INTEGER, value(FieldKind.BOOLEAN, true)),
                arguments(ExpectedType.INTEGER, value(FieldKind.INT, 42)),
                arguments(ExpectedType.INTEGER, value(FieldKind.LONG, 42L)),
                arguments(ExpectedType.NUMBER, text("3,50")),
                arguments(ExpectedType.NUMBER, text("1e5")),
                arguments(ExpectedType.NUMBER, text("NaN")),
                arguments(ExpectedType.NUMBER, text("Infinity")),
                arguments(ExpectedType.NUMBER, text("twelve")),
                arguments(ExpectedType.NUMBER, value(FieldKind.INT, 42)),
                arguments(ExpectedType.NUMBER, value(FieldKind.LONG, 42L)),
                arguments(ExpectedType.NUMBER, value(FieldKind.DOUBLE, 4.5)),
                arguments(ExpectedType.NUMBER, value(FieldKind.DECIMAL, "4.50")),
                arguments(ExpectedType.NUMBER, value(FieldKind.BOOLEAN, true)),
                arguments(ExpectedType.BOOLEAN, text("y")),
                arguments(ExpectedType.BOOLEAN, text("on")),
                arguments(ExpectedType.BOOLEAN, text("2")),
                arguments(ExpectedType.BOOLEAN, value(FieldKind.INT, 2)),
                arguments(ExpectedType.BOOLEAN, value(FieldKind.DECIMAL, "1")),
                arguments(ExpectedType.DATE, text("01/02/2024")),
                arguments(ExpectedType.DATE, text("31/01/2024")),
                arguments(ExpectedType.DATE, text("31.01.2024")),
                arguments(ExpectedType.DATE, text("2024-02-30")),
                arguments(ExpectedType.DATE, text("2024-13-01")),
                arguments(ExpectedType.DATE, text("2024/01-31")),
                arguments(ExpectedType.DATE, text("240131")),
                arguments(ExpectedType.DATE, text("Jan 31 2024")),
                arguments(ExpectedType.DATE, text("2024-01-31T00:00:00")),
                arguments(ExpectedType.DATE, value(FieldKind.TIMESTAMP, JAN_31_2024_10_15_30)),
                arguments(ExpectedType.DATE_TIME, text("2024-01-31")),
                arguments(ExpectedType.DATE_TIME, text("31/01/2024 10:15:30")),
                arguments(ExpectedType.DATE_TIME, text("2024-01-31T25:00:00")),
                arguments(ExpectedType.DATE_TIME, text("2024-01-31T10:15:30.123456789")),
                arguments(ExpectedType.DATE_TIME, text("2024-01-31T10:15:30 Europe/Paris")),
                arguments(ExpectedType.DATE_TIME, text("2024-01-31  10:15:30")),
                arguments(ExpectedType.DATE_TIME, value(FieldKind.DATE, JAN_31_2024)),
                arguments(ExpectedType.DATE_TIME, value(FieldKind.LONG, 1_706_696_130_000L)),
                arguments(ExpectedType.STRING, value(FieldKind.DATE, JAN_31_2024)),
                arguments(ExpectedType.STRING, value(FieldKind.TIMESTAMP, JAN_31_2024_10_15_30)),
                arguments(
                        ExpectedType.STRING,
                        value(FieldKind.UUID, "7f1c0d5e-0000-4000-8000-000000000001")),
                arguments(ExpectedType.STRING, value(FieldKind.JSON, "{\"a\":1}")),
                arguments(
                        ExpectedType.STRING,
                        value(FieldKind.BYTES, ByteBuffer.wrap(new byte[] {1, 2}))),
                arguments(ExpectedType.STRING, value(FieldKind.DOUBLE, Double.POSITIVE_INFINITY)),
                // a value that does not match its kind is bad data: left for validation
                arguments(ExpectedType.BOOLEAN, value(FieldKind.INT, "1")),
                arguments(ExpectedType.INTEGER, value(FieldKind.DOUBLE, "4.0")),
                arguments(ExpectedType.STRING, value(FieldKind.FLOAT, "x")),
                arguments(ExpectedType.ANY, text("42")),
                arguments(ExpectedType.ANY, value(FieldKind.LONG, 42L)));
    }
}
