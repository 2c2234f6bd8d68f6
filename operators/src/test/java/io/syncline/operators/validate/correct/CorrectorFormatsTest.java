package io.syncline.operators.validate.correct;

import static io.syncline.operators.validate.correct.Images.assertChanges;
import static io.syncline.operators.validate.correct.Images.change;
import static io.syncline.operators.validate.correct.Images.fields;
import static io.syncline.operators.validate.correct.Images.image;
import static io.syncline.operators.validate.correct.Images.spec;
import static io.syncline.operators.validate.correct.Images.text;
import static io.syncline.operators.validate.correct.Images.value;
import static io.syncline.schema.RemediationAction.STANDARDIZED;
import static io.syncline.schema.RemediationAction.TRIMMED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.validate.ExpectedType;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Remediation;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CorrectorFormatsTest {

    private static Corrector corrector(FieldFormat format, String defaultRegion) {
        return new Corrector(
                new CorrectionSettings(
                        fields(spec("f", ExpectedType.STRING)),
                        Map.of(),
                        Map.of("f", format),
                        defaultRegion));
    }

    private static void assertStandardized(Corrector corrector, String from, String to) {
        Corrected corrected = corrector.correct(image("f", text(from)));

        assertThat(corrected.image()).isEqualTo(image("f", text(to)));
        assertChanges(corrected).containsExactly(change("f", STANDARDIZED, from, to));
    }

    private static void assertUnchanged(Corrector corrector, String text) {
        Corrected corrected = corrector.correct(image("f", text(text)));

        assertThat(corrected.image()).isEqualTo(image("f", text(text)));
        assertThat(corrected.remediations()).isEmpty();
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "US | (415) 555-2671 | +14155552671",
                "US | 415.555.2671 | +14155552671",
                "US | 1 415 555 2671 | +14155552671",
                "us | 415-555-2671 | +14155552671",
                "CA | 416 555 0199 | +14165550199",
                "GB | 020 7946 0958 | +442079460958",
                "GB | +44 (0)20 7946 0958 | +442079460958",
                "GB | 0044 20 7946 0958 | +442079460958",
                "DE | 030 1234567 | +49301234567",
                "DE | 0171/1234567 | +491711234567",
                "FR | 01 23 45 67 89 | +33123456789",
                "IT | 06 1234 5678 | +390612345678",
                "NL | 020-123 4567 | +31201234567",
                "CH | 044 668 18 00 | +41446681800",
                "ES | 912 34 56 78 | +34912345678",
                "IE | 01 234 5678 | +35312345678",
                "AU | (02) 9374 4000 | +61293744000",
                "JP | 03-1234-5678 | +81312345678",
                "IN | 022 2778 2300 | +912227782300",
                "BR | (11) 2345-6789 | +551123456789",
                "ZA | 021 123 4567 | +27211234567",
                "US | +33 1 23 45 67 89 | +33123456789",
                "DE | 00 1 415 555 2671 | +14155552671",
            })
    void phoneNumbersBecomeE164(String region, String from, String to) {
        assertStandardized(corrector(FieldFormat.PHONE, region), from, to);
    }

    @Test
    void internationalPhoneNumberNeedsNoDefaultRegion() {
        assertStandardized(corrector(FieldFormat.PHONE, null), "+44 20 7946 0958", "+442079460958");
    }

    @ParameterizedTest(name = "{1} stays")
    @CsvSource(
            delimiter = '|',
            nullValues = "none",
            value = {
                "none | 020 7946 0958",
                "US | 555-2671",
                "US | 2 415 555 2671",
                "GB | call me",
                "GB | +44 20 7946 0958 ext 12",
                "GB | +1234567",
                "GB | +1234567890123456",
                "GB | +0 20 7946 0958",
                "GB | 12",
                "US | +14155552671",
            })
    void whatIsNoPhoneNumberIsLeftAlone(String region, String text) {
        assertUnchanged(corrector(FieldFormat.PHONE, region), text);
    }

    @Test
    void phoneNeedingTrimGetsTrimmedThenStandardized() {
        Corrected corrected =
                corrector(FieldFormat.PHONE, "GB").correct(image("f", text(" 020 7946 0958 ")));

        assertThat(corrected.image()).isEqualTo(image("f", text("+442079460958")));
        assertThat(corrected.remediations())
                .containsExactly(
                        new Remediation(
                                "f",
                                TRIMMED,
                                " 020 7946 0958 ",
                                "020 7946 0958",
                                "trimmed surrounding white space"),
                        new Remediation(
                                "f",
                                STANDARDIZED,
                                "020 7946 0958",
                                "+442079460958",
                                "standardized phone to E.164"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "gb, GB",
        "De, DE",
        "GBR, GB",
        "deu, DE",
        "che, CH",
        "Germany, DE",
        "united kingdom, GB",
        "UNITED STATES, US",
        "Switzerland, CH",
        "USA, US",
        "UK, GB",
        "uk, GB",
        "United States of America, US",
        "Great Britain, GB",
    })
    void countriesBecomeAlpha2(String from, String to) {
        assertStandardized(corrector(FieldFormat.COUNTRY, null), from, to);
    }

    @ParameterizedTest(name = "{0} stays")
    @CsvSource({"GB", "Atlantis", "EU", "XX", "ZZZ", "England"})
    void unknownOrStandardCountriesAreLeftAlone(String text) {
        assertUnchanged(corrector(FieldFormat.COUNTRY, null), text);
    }

    @Test
    void countryReasonNamesTheStandard() {
        assertThat(
                        corrector(FieldFormat.COUNTRY, null)
                                .correct(image("f", text("Germany")))
                                .remediations())
                .extracting(Remediation::getReason)
                .containsExactly("standardized country to ISO 3166-1 alpha-2");
    }

    @Test
    void emailIsTrimmedAndLowerCased() {
        Corrected corrected =
                corrector(FieldFormat.EMAIL, null).correct(image("f", text(" Ada@Example.COM\t")));

        assertThat(corrected.image()).isEqualTo(image("f", text("ada@example.com")));
        assertThat(corrected.remediations())
                .containsExactly(
                        new Remediation(
                                "f",
                                TRIMMED,
                                " Ada@Example.COM\t",
                                "Ada@Example.COM",
                                "trimmed surrounding white space"),
                        new Remediation(
                                "f",
                                STANDARDIZED,
                                "Ada@Example.COM",
                                "ada@example.com",
                                "standardized email to lower case"));
    }

    @ParameterizedTest(name = "{0} stays")
    @CsvSource({"ada@example.com", "ADA.EXAMPLE.COM", "A@B@EXAMPLE.COM"})
    void emailWithoutExactlyOneAtOrAlreadyLowerIsLeftAlone(String text) {
        assertUnchanged(corrector(FieldFormat.EMAIL, null), text);
    }

    @Test
    void formatIgnoresValuesThatAreNotText() {
        Corrector corrector =
                new Corrector(
                        new CorrectionSettings(
                                fields(spec("phone", ExpectedType.ANY)),
                                Map.of(),
                                Map.of("phone", FieldFormat.PHONE),
                                "US"));
        FieldValue number = value(FieldKind.LONG, 4155552671L);

        Corrected corrected = corrector.correct(image("phone", number));

        assertThat(corrected.image()).isEqualTo(image("phone", number));
        assertThat(corrected.remediations()).isEmpty();
    }

    @Test
    void unknownDefaultRegionIsRejected() {
        assertThatThrownBy(() -> corrector(FieldFormat.PHONE, "XX"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "default region 'XX' has no known calling code; use one of [")
                .hasMessageEndingWith("] or leave it unset");
    }

    @Test
    void formatOnFieldThatIsNotTextIsRejected() {
        assertThatThrownBy(
                        () ->
                                new Corrector(
                                        new CorrectionSettings(
                                                fields(spec("phone", ExpectedType.INTEGER)),
                                                Map.of(),
                                                Map.of("phone", FieldFormat.PHONE),
                                                "US")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "format phone of field 'phone' needs a text field, but the schema types it"
                                + " INTEGER; remove the format or the field's type");
    }

    @Test
    void missingSettingIsRejectedByName() {
        assertThatThrownBy(() -> new CorrectionSettings(Map.of(), null, Map.of(), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("correction setting 'defaults' is missing");
    }
}
