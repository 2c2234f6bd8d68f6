package io.syncline.operators.control;

import static io.syncline.operators.control.ControlRole.ADMIN;
import static io.syncline.operators.control.ControlRole.OPERATOR;
import static io.syncline.operators.control.ControlRole.STEWARD;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.ControlCommandType;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandRolesTest {

    @Test
    void eachCommandTypeHasItsRoles() {
        Map<ControlCommandType, Set<ControlRole>> table = new EnumMap<>(ControlCommandType.class);
        for (ControlCommandType type : ControlCommandType.values()) {
            table.put(type, CommandRoles.allowed(type));
        }

        assertThat(table)
                .containsExactly(
                        Map.entry(ControlCommandType.RULE_SET, Set.of(STEWARD, ADMIN)),
                        Map.entry(ControlCommandType.REPLAY, Set.of(OPERATOR, STEWARD, ADMIN)),
                        Map.entry(ControlCommandType.CONFLICT_DECISION, Set.of(STEWARD, ADMIN)),
                        Map.entry(ControlCommandType.RESYNC, Set.of(OPERATOR, STEWARD, ADMIN)),
                        Map.entry(ControlCommandType.ERASE, Set.of(ADMIN)),
                        Map.entry(ControlCommandType.KEY_ROTATION, Set.of(ADMIN)),
                        Map.entry(ControlCommandType.UNKNOWN, Set.of()));
    }

    @Test
    void anAdminMaySendEveryKnownCommandAndNobodyAnUnknownOne() {
        for (ControlCommandType type : ControlCommandType.values()) {
            assertThat(CommandRoles.allows(ADMIN, type))
                    .as(type.name())
                    .isEqualTo(type != ControlCommandType.UNKNOWN);
        }
        assertThat(CommandRoles.allows(OPERATOR, ControlCommandType.RULE_SET)).isFalse();
        assertThat(CommandRoles.allows(STEWARD, ControlCommandType.ERASE)).isFalse();
        assertThat(CommandRoles.allows(OPERATOR, ControlCommandType.RESYNC)).isTrue();
    }

    @Test
    void rolesAreNamedInLowerCase() {
        assertThat(ControlRole.configNames()).containsExactly("operator", "steward", "admin");
        assertThat(ControlRole.named("steward")).contains(STEWARD);
        assertThat(ControlRole.named("Steward")).isEmpty();
        assertThat(ControlRole.named("root")).isEmpty();
    }
}
