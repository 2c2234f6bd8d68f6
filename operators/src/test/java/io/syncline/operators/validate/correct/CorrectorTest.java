package io.syncline.operators.validate.correct;

import static io.syncline.operators.validate.correct.Images.assertChanges;
import static io.syncline.operators.validate.correct.Images.change;
import static io.syncline.operators.validate.correct.Images.fields;
import static io.syncline.operators.validate.correct.Images.image;
import static io.syncline.operators.validate.correct.Images.spec;
import static io.syncline.operators.validate.correct.Images.text;
import static io.syncline.operators.validate.correct.Images.value;
import static io.syncline.schema.RemediationAction.CONVERTED;
import static io.syncline.schema.RemediationAction.DEFAULTED;
import static io.syncline.schema.RemediationAction.STANDARDIZED;
import static io.syncline.schema.RemediationAction.TRIMMED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.syncline.operators.validate.ExpectedType;
import io.syncline.operators.validate.FieldSpec;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Remediation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CorrectorTest {

    private static Corrector corrector(Map<String, FieldSpec> fields) {
        return new Corrector(new CorrectionSettings(fields, Map.of(), Map.of(), null));
    }

    @Test
    void correctImageIsReturnedUnchangedWithoutRemediations() {
        Map<String, FieldValue> image =
                image(
                        "id", value(FieldKind.LONG, 7L),
                        "name", text("Ada Lovelace"),
                        "status", text("ACTIVE"));
        Corrector corrector =
                corrector(
                        fields(
                                spec("id", ExpectedType.INTEGER),
                                spec("name", ExpectedType.STRING),
                                spec("status", ExpectedType.STRING, "ACTIVE", "INACTIVE")));

        Corrected corrected = corrector.correct(image);

        assertThat(corrected.image()).isEqualTo(image);
        assertThat(corrected.remediations()).isEmpty();
    }

    @Test
    void surroundingWhiteSpaceIsTrimmedButInnerSpaceKept() {
        Corrected corrected =
                corrector(fields(spec("name", ExpectedType.STRING)))
                        .correct(image("name", text(" \tAda  Lovelace\n")));

        assertThat(corrected.image()).isEqualTo(image("name", text("Ada  Lovelace")));
        assertChanges(corrected)
                .containsExactly(change("name", TRIMMED, " \tAda  Lovelace\n", "Ada  Lovelace"));
    }

    @Test
    void textNeedingTrimAndConversionGetsBothInThatOrder() {
        Corrected corrected =
                corrector(fields(spec("age", ExpectedType.INTEGER)))
                        .correct(image("age", text(" 42 ")));

        assertThat(corrected.image()).isEqualTo(image("age", value(FieldKind.LONG, 42L)));
        assertChanges(corrected)
                .containsExactly(
                        change("age", TRIMMED, " 42 ", "42"), change("age", CONVERTED, "42", "42"));
    }

    @Test
    void remediationsSayWhy() {
        Corrector corrector =
                new Corrector(
                        new CorrectionSettings(
                                fields(
                                        spec("age", ExpectedType.INTEGER),
                                        spec("status", ExpectedType.STRING, "ACTIVE"),
                                        spec("tier", ExpectedType.STRING)),
                                Map.of("tier", "basic"),
                                Map.of(),
                                null));

        Corrected corrected =
                corrector.correct(image("age", text(" 42"), "status", text("active")));

        assertThat(corrected.remediations())
                .containsExactly(
                        new Remediation(
                                "age", TRIMMED, " 42", "42", "trimmed surrounding white space"),
                        new Remediation("age", CONVERTED, "42", "42", "converted text to integer"),
                        new Remediation(
                                "status",
                                STANDARDIZED,
                                "active",
                                "ACTIVE",
                                "standardized case to enumeration symbol"),
                        new Remediation(
                                "tier", DEFAULTED, null, "basic", "defaulted missing value"));
    }

    @Test
    void imageKeepsItsOrderAndRemediationsFollowIt() {
        Corrector corrector =
                corrector(
                        fields(
                                spec("a", ExpectedType.INTEGER),
                                spec("b", ExpectedType.STRING),
                                spec("c", ExpectedType.BOOLEAN)));

        Corrected corrected =
                corrector.correct(
                        image("c", text("yes"), "b", text(" x"), "z", text("z"), "a", text("1")));

        assertThat(corrected.image())
                .containsExactly(
                        entry("c", value(FieldKind.BOOLEAN, true)),
                        entry("b", text("x")),
                        entry("z", text("z")),
                        entry("a", value(FieldKind.LONG, 1L)));
        assertChanges(corrected)
                .containsExactly(
                        change("c", CONVERTED, "yes", "true"),
                        change("b", TRIMMED, " x", "x"),
                        change("a", CONVERTED, "1", "1"));
    }

    @Test
    void inputImageIsNotChanged() {
        FieldValue age = text(" 42 ");
        FieldValue email = text("Ada@Example.COM");
        Map<String, FieldValue> image = image("age", age, "email", email, "note", null);
        Corrector corrector =
                new Corrector(
                        new CorrectionSettings(
                                fields(spec("age", ExpectedType.INTEGER)),
                                Map.of("note", "none", "tier", "basic"),
                                Map.of("email", FieldFormat.EMAIL),
                                null));

        Corrected corrected = corrector.correct(Collections.unmodifiableMap(image));

        assertThat(corrected.image())
                .containsExactly(
                        entry("age", value(FieldKind.LONG, 42L)),
                        entry("email", text("ada@example.com")),
                        entry("note", text("none")),
                        entry("tier", text("basic")));
        assertThat(image)
                .containsExactly(
                        entry("age", text(" 42 ")),
                        entry("email", text("Ada@Example.COM")),
                        entry("note", null));
        assertThat(image.get("age")).isSameAs(age).isEqualTo(text(" 42 "));
        assertThat(image.get("email")).isSameAs(email).isEqualTo(text("Ada@Example.COM"));
    }

    @Test
    void unknownFieldsAreTrimmedAndFormattedButNotConverted() {
        Corrector corrector =
                new Corrector(
                        new CorrectionSettings(
                                fields(spec("id", ExpectedType.INTEGER)),
                                Map.of(),
                                Map.of("email", FieldFormat.EMAIL),
                                null));

        Corrected corrected =
                corrector.correct(
                        image(
                                "id", text("7"),
                                "count", value(FieldKind.LONG, 3L),
                                "code", text(" 42 "),
                                "email", text(" ADA@EXAMPLE.COM")));

        assertThat(corrected.image())
                .containsExactly(
                        entry("id", value(FieldKind.LONG, 7L)),
                        entry("count", value(FieldKind.LONG, 3L)),
                        entry("code", text("42")),
                        entry("email", text("ada@example.com")));
        assertChanges(corrected)
                .containsExactly(
                        change("id", CONVERTED, "7", "7"),
                        change("code", TRIMMED, " 42 ", "42"),
                        change("email", TRIMMED, " ADA@EXAMPLE.COM", "ADA@EXAMPLE.COM"),
                        change("email", STANDARDIZED, "ADA@EXAMPLE.COM", "ada@example.com"));
    }

    @Test
    void nullWithoutDefaultStaysNullAndMissingStaysMissing() {
        Map<String, FieldValue> image =
                image("name", value(FieldKind.STRING, null), "age", value(FieldKind.INT, null));

        Corrected corrected =
                corrector(
                                fields(
                                        spec("name", ExpectedType.STRING),
                                        spec("age", ExpectedType.INTEGER),
                                        spec("city", ExpectedType.STRING)))
                        .correct(image);

        assertThat(corrected.image()).isEqualTo(image);
        assertThat(corrected.remediations()).isEmpty();
    }

    @Test
    void enumerationSymbolCaseIsStandardizedAfterTrim() {
        Corrector corrector =
                corrector(fields(spec("status", ExpectedType.STRING, "ACTIVE", "On Hold")));

        Corrected corrected =
                corrector.correct(image("status", text(" on hold "), "other", text("active")));

        assertThat(corrected.image())
                .containsExactly(entry("status", text("On Hold")), entry("other", text("active")));
        assertChanges(corrected)
                .containsExactly(
                        change("status", TRIMMED, " on hold ", "on hold"),
                        change("status", STANDARDIZED, "on hold", "On Hold"));
    }

    @Test
    void valueMatchingNoSymbolOrSeveralIsLeftAlone() {
        Corrector corrector =
                corrector(
                        fields(
                                spec("status", ExpectedType.STRING, "ACTIVE", "INACTIVE"),
                                spec("grade", ExpectedType.STRING, "Aa", "AA"),
                                spec("level", ExpectedType.STRING, "a", "A")));
        Map<String, FieldValue> image =
                image("status", text("archived"), "grade", text("aa"), "level", text("a"));

        Corrected corrected = corrector.correct(image);

        assertThat(corrected.image()).isEqualTo(image);
        assertThat(corrected.remediations()).isEmpty();
    }

    @Test
    void symbolAndFormatTogetherGiveOneStandardization() {
        Corrector corrector =
                new Corrector(
                        new CorrectionSettings(
                                fields(spec("owner", ExpectedType.STRING, "Ops@Example.com")),
                                Map.of(),
                                Map.of("owner", FieldFormat.EMAIL),
                                null));

        Corrected corrected = corrector.correct(image("owner", text("OPS@EXAMPLE.COM")));

        assertThat(corrected.image()).isEqualTo(image("owner", text("ops@example.com")));
        assertThat(corrected.remediations())
                .containsExactly(
                        new Remediation(
                                "owner",
                                STANDARDIZED,
                                "OPS@EXAMPLE.COM",
                                "ops@example.com",
                                "standardized case to enumeration symbol;"
                                        + " standardized email to lower case"));
    }

    @Test
    void standardizationsThatCancelOutLeaveNoRemediation() {
        Corrector corrector =
                new Corrector(
                        new CorrectionSettings(
                                fields(spec("owner", ExpectedType.STRING, "Ops@Example.com")),
                                Map.of(),
                                Map.of("owner", FieldFormat.EMAIL),
                                null));

        Corrected corrected = corrector.correct(image("owner", text("ops@example.com")));

        assertThat(corrected.image()).isEqualTo(image("owner", text("ops@example.com")));
        assertThat(corrected.remediations()).isEmpty();
    }

    @Test
    void nullFieldEntryIsTreatedAsNull() {
        Map<String, FieldValue> image = new LinkedHashMap<>();
        image.put("tier", null);
        image.put("name", null);
        Corrector corrector =
                new Corrector(
                        new CorrectionSettings(
                                fields(spec("tier", ExpectedType.STRING)),
                                Map.of("tier", "basic"),
                                Map.of(),
                                null));

        Corrected corrected = corrector.correct(image);

        assertThat(corrected.image())
                .containsExactly(entry("tier", text("basic")), entry("name", null));
        assertChanges(corrected).containsExactly(change("tier", DEFAULTED, null, "basic"));
    }

    @Test
    void correctedImageCannotBeChanged() {
        Corrected corrected =
                corrector(fields(spec("name", ExpectedType.STRING)))
                        .correct(image("name", text("Ada")));

        assertThat(corrected.image()).isUnmodifiable();
        assertThat(corrected.remediations()).isUnmodifiable();
    }
}
