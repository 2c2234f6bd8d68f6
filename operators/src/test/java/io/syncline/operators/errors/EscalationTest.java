package io.syncline.operators.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EscalationTest {

    @Test
    void permanentErrorsGoToTheDataStewardAndTransientOnesToTheAdministrator() {
        Escalation escalation = Escalation.defaults();

        assertThat(escalation.levelOf(error("TENANT_MISSING", ErrorClass.PERMANENT))).isEqualTo(2);
        assertThat(escalation.levelOf(error("TARGET_UNREACHABLE", ErrorClass.TRANSIENT)))
                .isEqualTo(4);
    }

    @Test
    void configuredCodesTakeTheirLevelWhateverTheirClass() {
        Escalation escalation =
                new Escalation(Map.of("CONFLICT", 3, "TARGET_UNREACHABLE", 2, "KEY_MISSING", 4));

        assertThat(escalation.levelOf(error("CONFLICT", ErrorClass.PERMANENT))).isEqualTo(3);
        assertThat(escalation.levelOf(error("TARGET_UNREACHABLE", ErrorClass.TRANSIENT)))
                .isEqualTo(2);
        assertThat(escalation.levelOf(error("KEY_MISSING", ErrorClass.PERMANENT))).isEqualTo(4);
        assertThat(escalation.levelOf(error("UNKNOWN_TENANT", ErrorClass.PERMANENT))).isEqualTo(2);
    }

    @Test
    void levelsOutsideTwoToFourAreRejectedNamingTheCode() {
        assertThatThrownBy(() -> new Escalation(Map.of("AUTO_FIXED", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AUTO_FIXED")
                .hasMessageContaining("level 1 is automated remediation");
        assertThatThrownBy(() -> new Escalation(Map.of("CONFLICT", 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CONFLICT is 5");
    }

    @Test
    void laterChangesToTheGivenMapDoNotChangeTheLevels() {
        Map<String, Integer> levels = new HashMap<>(Map.of("CONFLICT", 3));
        Escalation escalation = new Escalation(levels);

        levels.put("CONFLICT", 4);

        assertThat(escalation.levelOf("CONFLICT", ErrorClass.PERMANENT)).isEqualTo(3);
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        Escalation escalation = new Escalation(Map.of("CONFLICT", 3));

        Escalation copy = roundTrip(escalation);

        assertThat(copy.levelOf("CONFLICT", ErrorClass.PERMANENT)).isEqualTo(3);
        assertThat(copy.levelOf("OTHER", ErrorClass.TRANSIENT)).isEqualTo(4);
    }

    private static Escalation roundTrip(Escalation escalation)
            throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(escalation);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (Escalation) in.readObject();
        }
    }

    private static ErrorRecord error(String code, ErrorClass errorClass) {
        return ErrorRecord.newBuilder()
                .setErrorId("e-1")
                .setStage("validate")
                .setErrorClass(errorClass)
                .setCode(code)
                .setMessage("m")
                .setPayload("p")
                .setTime(Instant.EPOCH)
                .build();
    }
}
