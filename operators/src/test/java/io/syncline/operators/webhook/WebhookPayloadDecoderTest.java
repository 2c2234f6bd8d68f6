package io.syncline.operators.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.decode.DecodeOutcome;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The payload mapping of docs/sources/webhook.md, and every reason a change is rejected. */
class WebhookPayloadDecoderTest {

    private static final Instant RECEIVED = Instant.parse("2024-01-15T10:31:00.250Z");

    private final WebhookPayloadDecoder decoder =
            new WebhookPayloadDecoder(
                    "shop",
                    List.of(
                            new TableBinding(
                                    "public",
                                    "customers",
                                    "customer",
                                    List.of("id"),
                                    "tenant_id",
                                    null),
                            new TableBinding(
                                    "public",
                                    "order_lines",
                                    "order_line",
                                    List.of("order_id", "line"),
                                    null,
                                    "acme")),
                    Set.of("acme", "globex"));

    @Test
    void decodesAnUpsert() {
        ChangeEvent event =
                decoded(
                        "{\"eventId\":\"e-1\",\"entityType\":\"customer\",\"tenant\":\"acme\","
                                + "\"op\":\"upsert\",\"version\":17,"
                                + "\"occurredAt\":\"2024-01-15T10:30:59.5Z\","
                                + "\"data\":{\"id\":7,\"name\":\"Ann\",\"score\":1.5,"
                                + "\"vip\":true,\"tags\":[\"a\"],\"note\":null}}");

        Map<String, FieldValue> after = new LinkedHashMap<>();
        after.put("id", new FieldValue(FieldKind.LONG, 7L));
        after.put("name", new FieldValue(FieldKind.STRING, "Ann"));
        after.put("score", new FieldValue(FieldKind.DOUBLE, 1.5));
        after.put("vip", new FieldValue(FieldKind.BOOLEAN, true));
        after.put("tags", new FieldValue(FieldKind.JSON, "[\"a\"]"));
        after.put("note", new FieldValue(FieldKind.UNKNOWN, null));
        after.put("tenant_id", new FieldValue(FieldKind.STRING, "acme"));
        assertThat(event)
                .isEqualTo(
                        ChangeEvent.newBuilder()
                                .setEventId("shop/e-1/acme/customer/7")
                                .setTenant("acme")
                                .setEntityType("customer")
                                .setEntityId("7")
                                .setOp(Operation.UPDATE)
                                .setBefore(null)
                                .setAfter(after)
                                .setSourceCommitTime(Instant.parse("2024-01-15T10:30:59.500Z"))
                                .setCaptureTime(RECEIVED)
                                .setSourceId("shop")
                                .setSourcePosition("e-1")
                                .setVersion(17)
                                .setSchemaVersion(1)
                                .build());
    }

    @Test
    void aDeleteCarriesItsDataAsTheBeforeImage() {
        ChangeEvent event =
                decoded(
                        "{\"eventId\":\"e-2\",\"entityType\":\"customer\",\"op\":\"delete\","
                                + "\"version\":18,\"data\":{\"id\":7,\"tenant_id\":\"globex\"}}");

        assertThat(event.getOp()).isEqualTo(Operation.DELETE);
        assertThat(event.getTenant()).isEqualTo("globex");
        assertThat(event.getAfter()).isNull();
        assertThat(event.getBefore())
                .containsExactly(
                        Map.entry("id", new FieldValue(FieldKind.LONG, 7L)),
                        Map.entry("tenant_id", new FieldValue(FieldKind.STRING, "globex")));
    }

    @Test
    void withoutOccurredAtTheChangeCommittedWhenItWasReceived() {
        ChangeEvent event =
                decoded(
                        "{\"entityType\":\"customer\",\"tenant\":\"acme\",\"op\":\"create\","
                                + "\"version\":1,\"data\":{\"id\":\"c-1\"}}");

        assertThat(event.getSourceCommitTime()).isEqualTo(RECEIVED);
        assertThat(event.getOp()).isEqualTo(Operation.CREATE);
        // The event id comes from the record key when the change carries none.
        assertThat(event.getEventId()).isEqualTo("shop/key-1/acme/customer/c-1");
    }

    @Test
    void occurredAtMayBeEpochMillis() {
        ChangeEvent event =
                decoded(
                        "{\"entityType\":\"customer\",\"tenant\":\"acme\",\"op\":\"update\","
                                + "\"version\":1,\"occurredAt\":1705314659500,"
                                + "\"data\":{\"id\":1}}");

        assertThat(event.getSourceCommitTime())
                .isEqualTo(Instant.parse("2024-01-15T10:30:59.500Z"));
    }

    @Test
    void aCompositeKeyWithAConstantTenant() {
        ChangeEvent event =
                decoded(
                        "{\"eventId\":\"x\",\"entityType\":\"order_line\",\"op\":\"upsert\","
                                + "\"version\":3,\"data\":{\"order_id\":5,\"line\":2}}");

        assertThat(event.getTenant()).isEqualTo("acme");
        assertThat(event.getEntityId()).isEqualTo("5/2");
        assertThat(event.getEventId()).isEqualTo("shop/x/acme/order_line/5/2");
        assertThat(event.getAfter()).containsOnlyKeys("order_id", "line");
    }

    @Test
    void rejectsAnUnknownEntityType() {
        ErrorRecord error =
                rejected(
                        "{\"eventId\":\"e-3\",\"entityType\":\"invoice\",\"tenant\":\"acme\","
                                + "\"op\":\"upsert\",\"version\":1,\"data\":{\"id\":1}}");

        assertThat(error.getCode()).isEqualTo(ErrorCodes.WEBHOOK_UNKNOWN_ENTITY);
        assertThat(error.getMessage())
                .isEqualTo(
                        "entity type 'invoice' of change e-3 is not mapped by this source (it"
                                + " maps [customer, order_line]); add it under the source's"
                                + " tables in the configuration or fix the sender");
        assertThat(error.getErrorClass()).isEqualTo(ErrorClass.PERMANENT);
        assertThat(error.getStage()).isEqualTo("decode");
        assertThat(error.getSourceId()).isEqualTo("shop");
        assertThat(error.getSourcePosition()).isEqualTo("e-3");
        assertThat(error.getTime()).isEqualTo(RECEIVED);
    }

    @Test
    void rejectsAMissingVersion() {
        ErrorRecord error =
                rejected(
                        "{\"eventId\":\"e-4\",\"entityType\":\"customer\",\"tenant\":\"acme\","
                                + "\"op\":\"upsert\",\"data\":{\"id\":1}}");

        assertThat(error.getCode()).isEqualTo(ErrorCodes.WEBHOOK_MALFORMED);
        assertThat(error.getMessage())
                .isEqualTo(
                        "change e-4 has no 'version' (a whole number >= 0 that rises with every"
                                + " change of the entity); the sender must send one");
        assertThat(error.getEntityType()).isEqualTo("customer");
    }

    @Test
    void rejectsWhatIsMalformed() {
        assertThat(
                        rejected(
                                        "{\"entityType\":\"customer\",\"tenant\":\"acme\","
                                                + "\"op\":\"merge\",\"version\":1,"
                                                + "\"data\":{\"id\":1}}")
                                .getMessage())
                .isEqualTo(
                        "change key-1 has 'op' \"merge\"; send one of upsert, create, update,"
                                + " delete");
        assertThat(
                        rejected(
                                        "{\"entityType\":\"customer\",\"tenant\":\"acme\","
                                                + "\"op\":\"upsert\",\"version\":\"7\","
                                                + "\"data\":{\"id\":1}}")
                                .getCode())
                .isEqualTo(ErrorCodes.WEBHOOK_MALFORMED);
        assertThat(
                        rejected(
                                        "{\"entityType\":\"customer\",\"tenant\":\"acme\","
                                                + "\"op\":\"upsert\",\"version\":1,"
                                                + "\"occurredAt\":\"yesterday\","
                                                + "\"data\":{\"id\":1}}")
                                .getMessage())
                .isEqualTo(
                        "change key-1 has 'occurredAt' \"yesterday\"; send an ISO-8601 instant"
                                + " (2024-01-15T10:31:00Z) or epoch milliseconds");
        assertThat(
                        rejected(
                                        "{\"entityType\":\"customer\",\"tenant\":\"acme\","
                                                + "\"op\":\"upsert\",\"version\":1,"
                                                + "\"data\":[1]}")
                                .getMessage())
                .isEqualTo(
                        "change key-1 has no 'data' object; send the entity's fields (for a"
                                + " delete at least its key [id])");
        assertThat(rejected("[1,2]").getCode()).isEqualTo(ErrorCodes.WEBHOOK_MALFORMED);
        assertThat(rejected("{\"op\":\"upsert\"}").getMessage())
                .isEqualTo("change key-1 has no 'entityType'; name one of [customer, order_line]");
    }

    @Test
    void rejectsTenantsThatAreMissingUnknownOrContradictory() {
        ErrorRecord missing =
                rejected(
                        "{\"entityType\":\"customer\",\"op\":\"upsert\",\"version\":1,"
                                + "\"data\":{\"id\":1}}");
        ErrorRecord unknown =
                rejected(
                        "{\"entityType\":\"customer\",\"tenant\":\"umbrella\",\"op\":\"upsert\","
                                + "\"version\":1,\"data\":{\"id\":1}}");
        ErrorRecord contradictory =
                rejected(
                        "{\"entityType\":\"customer\",\"tenant\":\"acme\",\"op\":\"upsert\","
                                + "\"version\":1,\"data\":{\"id\":1,\"tenant_id\":\"globex\"}}");

        assertThat(missing.getCode()).isEqualTo(ErrorCodes.TENANT_MISSING);
        assertThat(missing.getMessage())
                .isEqualTo("change key-1 has no tenant; set 'tenant' or data.tenant_id");
        assertThat(unknown.getCode()).isEqualTo(ErrorCodes.UNKNOWN_TENANT);
        assertThat(unknown.getMessage())
                .isEqualTo(
                        "tenant 'umbrella' of change key-1 is not among the configured tenants"
                                + " [acme, globex]; add it to 'tenants' or fix the sender");
        assertThat(contradictory.getCode()).isEqualTo(ErrorCodes.WEBHOOK_MALFORMED);
        assertThat(contradictory.getMessage())
                .isEqualTo(
                        "change key-1 names tenant 'acme' but its data belongs to 'globex';"
                                + " send one tenant");
    }

    @Test
    void rejectsAChangeWithoutItsKey() {
        ErrorRecord error =
                rejected(
                        "{\"entityType\":\"order_line\",\"op\":\"delete\",\"version\":1,"
                                + "\"data\":{\"order_id\":5}}");

        assertThat(error.getCode()).isEqualTo(ErrorCodes.KEY_MISSING);
        assertThat(error.getMessage())
                .isEqualTo(
                        "change key-1 has no value in a key field of [order_id, line] in 'data';"
                                + " send the key, or fix primaryKey of order_line in the"
                                + " configuration");
        assertThat(error.getTenant()).isEqualTo("acme");
    }

    @Test
    void aRetriedBadDeliveryMakesTheSameError() {
        String body = "{\"entityType\":\"invoice\",\"op\":\"upsert\",\"version\":1,\"data\":{}}";

        assertThat(rejected(body).getErrorId())
                .isEqualTo(
                        ((DecodeOutcome.Rejected)
                                        decoder.decode(
                                                "key-1",
                                                body.getBytes(StandardCharsets.UTF_8),
                                                RECEIVED))
                                .error()
                                .getErrorId());
    }

    @Test
    void skipsATombstone() {
        assertThat(decoder.decode("key-1", null, RECEIVED))
                .isEqualTo(new DecodeOutcome.Skipped("tombstone"));
    }

    private ChangeEvent decoded(String json) {
        DecodeOutcome outcome =
                decoder.decode("key-1", json.getBytes(StandardCharsets.UTF_8), RECEIVED);
        assertThat(outcome).isInstanceOf(DecodeOutcome.Decoded.class);
        return ((DecodeOutcome.Decoded) outcome).event();
    }

    private ErrorRecord rejected(String json) {
        DecodeOutcome outcome =
                decoder.decode("key-1", json.getBytes(StandardCharsets.UTF_8), RECEIVED);
        assertThat(outcome).isInstanceOf(DecodeOutcome.Rejected.class);
        return ((DecodeOutcome.Rejected) outcome).error();
    }
}
