package io.syncline.operators.validate.correct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FieldFormatTest {

    @ParameterizedTest
    @CsvSource({"phone, PHONE", "EMAIL, EMAIL", "Country, COUNTRY"})
    void parsesNamesInAnyCase(String name, FieldFormat expected) {
        assertThat(FieldFormat.parse(name)).isEqualTo(expected);
    }

    @Test
    void unknownNameIsRejectedWithTheAllowedNames() {
        assertThatThrownBy(() -> FieldFormat.parse("fax"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown field format 'fax'; allowed: phone, email, country");
    }

    @Test
    void missingNameIsRejected() {
        assertThatThrownBy(() -> FieldFormat.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown field format 'null'; allowed: phone, email, country");
    }
}
