package io.syncline.operators.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.operators.decode.DecodeOutcome;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Items of a delta API as changes, and as errors when they cannot be. */
class DeltaItemDecoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-26T09:00:00Z");
    private static final HttpResource CUSTOMERS =
            new HttpResource("/customers", "customer", List.of("id"), "tenant", null);

    private final DeltaItemDecoder byUpdateTime =
            new DeltaItemDecoder(
                    "crm", new ItemFields(null, "updated_at", "deleted", null), Set.of("acme"));

    @Test
    void anItemIsAnUpdateVersionedByItsUpdateTimeInMicros() throws Exception {
        ChangeEvent change =
                decoded(
                        byUpdateTime,
                        "{\"id\":42,\"tenant\":\"acme\",\"name\":\"Ada\","
                                + "\"updated_at\":\"2026-11-26T08:00:00.123456Z\"}");

        assertThat(change.getEventId()).isEqualTo("crm/customers/42/1795680000123456");
        assertThat(change.getEntityId()).isEqualTo("42");
        assertThat(change.getTenant()).isEqualTo("acme");
        assertThat(change.getEntityType()).isEqualTo("customer");
        assertThat(change.getOp()).isEqualTo(Operation.UPDATE);
        assertThat(change.getVersion()).isEqualTo(1_795_680_000_123_456L);
        assertThat(change.getSourceCommitTime())
                .isEqualTo(Instant.parse("2026-11-26T08:00:00.123Z"));
        assertThat(change.getCaptureTime()).isEqualTo(NOW);
        assertThat(change.getSourcePosition()).isEqualTo("/customers@c0");
        assertThat(change.getAfter())
                .containsEntry("name", new FieldValue(FieldKind.STRING, "Ada"))
                .containsEntry("id", new FieldValue(FieldKind.LONG, 42L));
        assertThat(change.getBefore()).isNull();
    }

    @Test
    void aDeletedFlagOrAnOpFieldMakesADelete() throws Exception {
        ChangeEvent flagged =
                decoded(
                        byUpdateTime,
                        "{\"id\":1,\"tenant\":\"acme\",\"deleted\":true,"
                                + "\"updated_at\":\"2026-11-26T08:00:00Z\"}");
        DeltaItemDecoder byVersion =
                new DeltaItemDecoder("crm", new ItemFields("version", null, null, "op"), Set.of());
        ChangeEvent op =
                decoded(byVersion, "{\"id\":1,\"tenant\":\"x\",\"op\":\"d\",\"version\":7}");

        assertThat(flagged.getOp()).isEqualTo(Operation.DELETE);
        assertThat(flagged.getBefore()).containsKey("id");
        assertThat(flagged.getAfter()).isNull();
        assertThat(op.getOp()).isEqualTo(Operation.DELETE);
        assertThat(op.getVersion()).isEqualTo(7L);
        assertThat(op.getEventId()).isEqualTo("crm/customers/1/7");
        assertThat(op.getSourceCommitTime()).isEqualTo(NOW);
    }

    @Test
    void malformedItemsBecomeErrors() throws Exception {
        assertThat(rejected("[1,2]").getCode()).isEqualTo(ErrorCodes.HTTP_MALFORMED_ITEM);
        ErrorRecord noId =
                rejected("{\"tenant\":\"acme\",\"updated_at\":\"2026-11-26T08:00:00Z\"}");
        assertThat(noId.getCode()).isEqualTo(ErrorCodes.HTTP_MALFORMED_ITEM);
        assertThat(noId.getMessage())
                .isEqualTo(
                        "an item of /customers@c0 has no value (or an object) in a key field of"
                                + " [id]; fix the item or the resource's primaryKey");
        ErrorRecord badTime =
                rejected("{\"id\":3,\"tenant\":\"acme\",\"updated_at\":\"yesterday\"}");
        assertThat(badTime.getCode()).isEqualTo(ErrorCodes.HTTP_MALFORMED_ITEM);
        assertThat(badTime.getKey())
                .isEqualTo(io.syncline.operators.key.EntityKeys.of("acme", "customer", "3"));
        assertThat(
                        rejected(
                                        "{\"id\":3,\"tenant\":\"acme\",\"deleted\":\"yes\",\"updated_at\":\"2026-11-26T08:00:00Z\"}")
                                .getCode())
                .isEqualTo(ErrorCodes.HTTP_MALFORMED_ITEM);
        assertThat(rejected("{\"id\":3,\"updated_at\":\"2026-11-26T08:00:00Z\"}").getCode())
                .isEqualTo(ErrorCodes.TENANT_MISSING);
        ErrorRecord stranger =
                rejected(
                        "{\"id\":3,\"tenant\":\"globex\",\"updated_at\":\"2026-11-26T08:00:00Z\"}");
        assertThat(stranger.getCode()).isEqualTo(ErrorCodes.UNKNOWN_TENANT);
        assertThat(stranger.getSourceId()).isEqualTo("crm");
        assertThat(stranger.getPayload())
                .isEqualTo(
                        "{\"id\":3,\"tenant\":\"globex\",\"updated_at\":\"2026-11-26T08:00:00Z\"}");
    }

    @Test
    void anItemReadAgainHasTheSameEventAndErrorIds() throws Exception {
        String item = "{\"id\":5,\"tenant\":\"acme\",\"updated_at\":\"2026-11-26T08:00:05Z\"}";
        String bad = "{\"id\":5,\"tenant\":\"acme\",\"updated_at\":7}";

        assertThat(decoded(byUpdateTime, item).getEventId())
                .isEqualTo(decoded(byUpdateTime, item).getEventId());
        assertThat(rejected(bad).getErrorId()).isEqualTo(rejected(bad).getErrorId());
    }

    private static ChangeEvent decoded(DeltaItemDecoder decoder, String item) throws Exception {
        DecodeOutcome outcome = decoder.decode(CUSTOMERS, "/customers@c0", json(item), NOW);
        assertThat(outcome).isInstanceOf(DecodeOutcome.Decoded.class);
        return ((DecodeOutcome.Decoded) outcome).event();
    }

    private ErrorRecord rejected(String item) throws Exception {
        DecodeOutcome outcome = byUpdateTime.decode(CUSTOMERS, "/customers@c0", json(item), NOW);
        assertThat(outcome).isInstanceOf(DecodeOutcome.Rejected.class);
        return ((DecodeOutcome.Rejected) outcome).error();
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
