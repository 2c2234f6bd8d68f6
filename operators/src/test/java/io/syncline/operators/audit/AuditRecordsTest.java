package io.syncline.operators.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.AuditKind;
import io.syncline.schema.AuditRecord;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import io.syncline.schema.Remediation;
import io.syncline.schema.RemediationAction;
import io.syncline.schema.Resolution;
import io.syncline.schema.ResolutionOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditRecordsTest {

    private static final Instant COMMITTED = Instant.parse("2026-11-26T08:00:00Z");
    private static final Instant CAPTURED = Instant.parse("2026-11-26T08:00:01Z");

    private final AuditRecords records =
            new AuditRecords(
                    "syncline-crm",
                    "1.2.0",
                    "syncline.changes",
                    Map.of("customer", "public.customers"));

    @Test
    void aDeliveredChangeIsAuditedWithItsLineage() {
        AuditRecord record = records.ofChange(change().build());

        assertThat(record)
                .isEqualTo(
                        AuditRecord.newBuilder()
                                .setAuditId("change-crm-0/16B3748-customer-7-1764144000000002")
                                .setKind(AuditKind.CHANGE)
                                .setTime(CAPTURED)
                                .setTenant("acme")
                                .setEntityType("customer")
                                .setEntityId("7")
                                .setEventId("crm-0/16B3748-customer-7")
                                .setOp("UPDATE")
                                .setSourceId("crm")
                                .setSourcePosition("0/16B3748")
                                .setTransactionId("751")
                                .setSourceCommitTime(COMMITTED)
                                .setVersion(1764144000000002L)
                                .setRuleSetVersion(3)
                                .setDecision(null)
                                .setSinks(
                                        List.of(
                                                "table:public.customers@1764144000000002",
                                                "topic:syncline.changes"))
                                .setJobName("syncline-crm")
                                .setJobVersion("1.2.0")
                                .setDetail(null)
                                .build());
    }

    @Test
    void theDecisionAndTheMarkersAreAuditedButNoValue() {
        ChangeEvent change =
                change().setResolution(
                                Resolution.newBuilder()
                                        .setStrategy("last-writer-wins")
                                        .setOutcome(ResolutionOutcome.WON)
                                        .setConflictId("c-42")
                                        .setLosingEventId("erp-9-customer-7")
                                        .setLosingSourceId("erp")
                                        .setLosingVersion(9L)
                                        .build())
                        .setReplayOf("e-17")
                        .setResync("r-3")
                        .setRemediations(
                                List.of(
                                        new Remediation(
                                                "email",
                                                RemediationAction.TRIMMED,
                                                " ada@example.com",
                                                "ada@example.com",
                                                "white space"),
                                        new Remediation(
                                                "country",
                                                RemediationAction.STANDARDIZED,
                                                "Deutschland",
                                                "DE",
                                                "country code")))
                        .build();

        AuditRecord record = records.ofChange(change);

        assertThat(record.getDecision())
                .isEqualTo("last-writer-wins WON, winner crm, loser erp at 9 (conflict c-42)");
        assertThat(record.getDetail())
                .isEqualTo(
                        "replay of error e-17; re-read by r-3; corrected email TRIMMED, country"
                                + " STANDARDIZED");
        assertThat(record.toString())
                .doesNotContain("ada@example.com", "Ada", "Deutschland", "\"DE\"", "5000");
    }

    @Test
    void theIdIsTheSameForTheSameChangeAndVersionOnly() {
        ChangeEvent change = change().build();
        ChangeEvent replayed = ChangeEvent.newBuilder(change).build();
        ChangeEvent later = change().setVersion(1764144000000003L).build();

        assertThat(records.ofChange(replayed).getAuditId())
                .isEqualTo(records.ofChange(change).getAuditId())
                .isEqualTo(AuditRecords.changeId("crm-0/16B3748-customer-7", 1764144000000002L));
        assertThat(records.ofChange(later).getAuditId())
                .isNotEqualTo(records.ofChange(change).getAuditId());
    }

    @Test
    void anEntityTypeWithoutTargetTableGoesToTheChangeTopicOnly() {
        AuditRecord record =
                records.ofChange(
                        change().setEntityType("contract").setOp(Operation.DELETE).build());

        assertThat(record.getSinks()).containsExactly("topic:syncline.changes");
        assertThat(record.getOp()).isEqualTo("DELETE");
    }

    @Test
    void classesOutsideAVersionedJarAreTheDevVersion() {
        assertThat(AuditRecords.versionOf(AuditRecordsTest.class)).isEqualTo("dev");
    }

    private static ChangeEvent.Builder change() {
        return ChangeEvent.newBuilder()
                .setEventId("crm-0/16B3748-customer-7")
                .setTenant("acme")
                .setEntityType("customer")
                .setEntityId("7")
                .setOp(Operation.UPDATE)
                .setBefore(Map.of("name", text("Ada"), "credit_limit", text("4000")))
                .setAfter(
                        Map.of(
                                "name",
                                text("Ada"),
                                "email",
                                text("ada@example.com"),
                                "credit_limit",
                                text("5000")))
                .setSourceCommitTime(COMMITTED)
                .setCaptureTime(CAPTURED)
                .setSourceId("crm")
                .setSourcePosition("0/16B3748")
                .setVersion(1764144000000002L)
                .setTransactionId("751")
                .setRuleSetVersion(3);
    }

    private static FieldValue text(String value) {
        return new FieldValue(FieldKind.STRING, value);
    }
}
