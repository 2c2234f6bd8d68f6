package io.syncline.operators.validate.correct;

import static io.syncline.operators.validate.correct.Images.assertChanges;
import static io.syncline.operators.validate.correct.Images.change;
import static io.syncline.operators.validate.correct.Images.fields;
import static io.syncline.operators.validate.correct.Images.image;
import static io.syncline.operators.validate.correct.Images.spec;
import static io.syncline.operators.validate.correct.Images.text;
import static io.syncline.operators.validate.correct.Images.value;
import static io.syncline.schema.RemediationAction.DEFAULTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.syncline.operators.validate.ExpectedType;
import io.syncline.operators.validate.FieldSpec;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CorrectorDefaultsTest {

    private static Corrector corrector(
            Map<String, FieldSpec> fields, Map<String, String> defaults) {
        return new Corrector(new CorrectionSettings(fields, defaults, Map.of(), null));
    }

    @ParameterizedTest(name = "{0} default {1}")
    @MethodSource("defaultsOfEachType")
    void missingFieldGetsItsDefaultAsItsType(
            ExpectedType type, String text, FieldValue expected, String expectedText) {
        Corrected corrected =
                corrector(
                                fields(spec("id", ExpectedType.INTEGER), spec("f", type)),
                                Map.of("f", text))
                        .correct(image("id", value(FieldKind.LONG, 1L)));

        assertThat(corrected.image())
                .containsExactly(entry("id", value(FieldKind.LONG, 1L)), entry("f", expected));
        assertChanges(corrected).containsExactly(change("f", DEFAULTED, null, expectedText));
    }

    static Stream<Arguments> defaultsOfEachType() {
        return Stream.of(
                arguments(ExpectedType.BOOLEAN, "yes", value(FieldKind.BOOLEAN, true), "true"),
                arguments(ExpectedType.INTEGER, "0", value(FieldKind.LONG, 0L), "0"),
                arguments(ExpectedType.NUMBER, "9.90", value(FieldKind.DECIMAL, "9.90"), "9.90"),
                arguments(ExpectedType.STRING, "n/a", text("n/a"), "n/a"),
                arguments(ExpectedType.STRING, " padded ", text("padded"), "padded"),
                arguments(ExpectedType.DATE, "1970-01-02", value(FieldKind.DATE, 1), "1970-01-02"),
                arguments(
                        ExpectedType.DATE_TIME,
                        "2024-01-01T00:00:00",
                        value(FieldKind.TIMESTAMP, 1_704_067_200_000_000L),
                        "2024-01-01T00:00"),
                arguments(
                        ExpectedType.DATE_TIME,
                        "2024-01-01T00:00:00Z",
                        value(FieldKind.TIMESTAMP_TZ, "2024-01-01T00:00:00Z"),
                        "2024-01-01T00:00:00Z"),
                arguments(ExpectedType.ANY, "42", text("42"), "42"));
    }

    @Test
    void nullFieldGetsItsDefaultInPlace() {
        Corrected corrected =
                corrector(
                                fields(
                                        spec("age", ExpectedType.INTEGER),
                                        spec("name", ExpectedType.STRING)),
                                Map.of("age", "18"))
                        .correct(image("age", value(FieldKind.INT, null), "name", text("Ada")));

        assertThat(corrected.image())
                .containsExactly(
                        entry("age", value(FieldKind.LONG, 18L)), entry("name", text("Ada")));
        assertChanges(corrected).containsExactly(change("age", DEFAULTED, null, "18"));
    }

    @Test
    void presentValueIsNotReplacedByTheDefault() {
        Map<String, FieldValue> image = image("age", value(FieldKind.LONG, 30L));

        Corrected corrected =
                corrector(fields(spec("age", ExpectedType.INTEGER)), Map.of("age", "18"))
                        .correct(image);

        assertThat(corrected.image()).isEqualTo(image);
        assertThat(corrected.remediations()).isEmpty();
    }

    @Test
    void defaultOfFieldOutsideTheSchemaIsText() {
        Corrected corrected = corrector(Map.of(), Map.of("source", "42")).correct(image());

        assertThat(corrected.image()).containsExactly(entry("source", text("42")));
        assertChanges(corrected).containsExactly(change("source", DEFAULTED, null, "42"));
    }

    @Test
    void defaultTakesItsSymbolsCase() {
        Corrected corrected =
                corrector(
                                fields(spec("status", ExpectedType.STRING, "ACTIVE", "INACTIVE")),
                                Map.of("status", "active"))
                        .correct(image());

        assertThat(corrected.image()).containsExactly(entry("status", text("ACTIVE")));
        assertChanges(corrected).containsExactly(change("status", DEFAULTED, null, "ACTIVE"));
    }

    @Test
    void defaultTakesItsFieldsFormat() {
        Corrector corrector =
                new Corrector(
                        new CorrectionSettings(
                                Map.of(),
                                Map.of("country", "Germany"),
                                Map.of("country", FieldFormat.COUNTRY),
                                null));

        assertThat(corrector.correct(image()).image())
                .containsExactly(entry("country", text("DE")));
    }

    @Test
    void missingFieldsAreAppendedInSchemaOrderThenTheOtherDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("extra", "x");
        defaults.put("c", "3");
        defaults.put("a", "1");
        Corrector corrector =
                corrector(
                        fields(
                                spec("a", ExpectedType.INTEGER),
                                spec("b", ExpectedType.INTEGER),
                                spec("c", ExpectedType.INTEGER)),
                        defaults);

        Corrected corrected = corrector.correct(image("b", value(FieldKind.LONG, 2L)));

        assertThat(corrected.image())
                .containsExactly(
                        entry("b", value(FieldKind.LONG, 2L)),
                        entry("a", value(FieldKind.LONG, 1L)),
                        entry("c", value(FieldKind.LONG, 3L)),
                        entry("extra", text("x")));
        assertChanges(corrected)
                .containsExactly(
                        change("a", DEFAULTED, null, "1"),
                        change("c", DEFAULTED, null, "3"),
                        change("extra", DEFAULTED, null, "x"));
    }

    @Test
    void eachImageGetsItsOwnDefaultValue() {
        Corrector corrector =
                corrector(fields(spec("tier", ExpectedType.STRING)), Map.of("tier", "basic"));

        Corrected first = corrector.correct(image());
        first.image().get("tier").setValue("changed downstream");
        Corrected second = corrector.correct(image());

        assertThat(second.image()).containsExactly(entry("tier", text("basic")));
    }

    @ParameterizedTest(name = "{0} default {1}")
    @MethodSource("inconvertibleDefaults")
    void defaultThatCannotBeConvertedIsRejectedNamingFieldAndValue(
            ExpectedType type, String text, String message) {
        assertThatThrownBy(() -> corrector(fields(spec("f", type)), Map.of("f", text)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    static Stream<Arguments> inconvertibleDefaults() {
        return Stream.of(
                arguments(
                        ExpectedType.INTEGER,
                        "abc",
                        "default 'abc' of field 'f' cannot be converted to integer"),
                arguments(
                        ExpectedType.INTEGER,
                        "4.5",
                        "default '4.5' of field 'f' cannot be converted to integer"),
                arguments(
                        ExpectedType.NUMBER,
                        "1,5",
                        "default '1,5' of field 'f' cannot be converted to number"),
                arguments(
                        ExpectedType.BOOLEAN,
                        "maybe",
                        "default 'maybe' of field 'f' cannot be converted to boolean"),
                arguments(
                        ExpectedType.DATE,
                        "31/01/2024",
                        "default '31/01/2024' of field 'f' cannot be converted to date"),
                arguments(
                        ExpectedType.DATE_TIME,
                        "2024-01-01",
                        "default '2024-01-01' of field 'f' cannot be converted to date-time"));
    }

    @Test
    void defaultOutsideTheSymbolsIsRejected() {
        assertThatThrownBy(
                        () ->
                                corrector(
                                        fields(
                                                spec(
                                                        "status",
                                                        ExpectedType.STRING,
                                                        "ACTIVE",
                                                        "INACTIVE")),
                                        Map.of("status", "archived")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "default 'archived' of field 'status' is not one of its symbols [ACTIVE,"
                                + " INACTIVE]");
    }

    @Test
    void defaultWithoutValueIsRejected() {
        Map<String, String> defaults = new HashMap<>();
        defaults.put("tier", null);

        assertThatThrownBy(() -> corrector(Map.of(), defaults))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("default of field 'tier' is null; give a field and a value");
    }
}
