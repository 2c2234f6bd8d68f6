package io.syncline.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.decode.debezium.SourcePosition;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.Either;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class CdcChangeDeserializerTest {

    private static final Instant NOW = Instant.parse("2024-01-15T10:31:00Z");
    private static final Instant CAPTURED = Instant.parse("2024-01-15T10:30:45.250Z");

    private static final PostgresChangeRecords CUSTOMERS =
            new PostgresChangeRecords(
                    "public",
                    "customers",
                    SchemaBuilder.struct()
                            .field("id", Schema.INT64_SCHEMA)
                            .field("tenant_id", Schema.OPTIONAL_STRING_SCHEMA)
                            .field("email", Schema.OPTIONAL_STRING_SCHEMA),
                    List.of("id"));

    private static final long SNAPSHOT_LSN = 1_000L;
    private static final Instant SNAPSHOT_TIME = Instant.parse("2024-01-15T10:00:00Z");

    private final CdcChangeDeserializer deserializer =
            new CdcChangeDeserializer(
                    new SourceRecordDecoder(
                            "shop-db",
                            List.of(
                                    new TableBinding(
                                            "public",
                                            "customers",
                                            "customer",
                                            List.of("id"),
                                            "tenant_id",
                                            null)),
                            Set.of(),
                            SNAPSHOT_LSN,
                            SNAPSHOT_TIME),
                    Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void decodedChangeLeavesAsRight() {
        List<Either<ErrorRecord, ChangeEvent>> out = deserialize(customer(7L, "acme"));

        assertThat(out).hasSize(1);
        assertThat(out.get(0).isRight()).isTrue();
        assertThat(out.get(0).right().getEventId()).isEqualTo("shop-db/24023128/acme/customer/7");
        assertThat(out.get(0).right().getCaptureTime()).isEqualTo(CAPTURED);
    }

    @Test
    void rejectedChangeLeavesAsLeftStampedWithTheClock() {
        List<Either<ErrorRecord, ChangeEvent>> out = deserialize(customer(7L, null));

        assertThat(out).hasSize(1);
        assertThat(out.get(0).isLeft()).isTrue();
        assertThat(out.get(0).left().getCode()).isEqualTo("TENANT_MISSING");
        assertThat(out.get(0).left().getTime()).isEqualTo(NOW);
    }

    @Test
    void tombstoneLeavesNothing() {
        List<Either<ErrorRecord, ChangeEvent>> out = new ArrayList<>();

        deserializer.deserialize(
                CUSTOMERS.tombstone(customer(7L, "acme"), CUSTOMERS.source(24_023_128L, 771L, 0L)),
                new ListCollector<>(out));

        assertThat(out).isEmpty();
    }

    @Test
    void producedTypeSerializesBothSides() throws Exception {
        Either<ErrorRecord, ChangeEvent> change = deserialize(customer(7L, "acme")).get(0);
        Either<ErrorRecord, ChangeEvent> error = deserialize(customer(7L, null)).get(0);
        TypeSerializer<Either<ErrorRecord, ChangeEvent>> serializer =
                deserializer.getProducedType().createSerializer(new SerializerConfigImpl());

        assertThat(roundTrip(serializer, change)).isEqualTo(change);
        assertThat(roundTrip(serializer, error)).isEqualTo(error);
    }

    @Test
    void readsOfTheChunkBeingEmittedTakeItsPositionAndReadTimeUntilItEnds() {
        Instant readAt = SNAPSHOT_TIME.plusSeconds(30);
        Struct source = CUSTOMERS.snapshotSource(0L, 771L, 0L);
        source.put("lsn", null);

        deserializer.emitting(new SnapshotChunk(SourcePosition.lsn(5_000L), readAt));
        ChangeEvent inChunk = read(customer(7L, "acme"), source);
        deserializer.emitting(null);
        ChangeEvent afterIt = read(customer(8L, "acme"), source);

        assertThat(inChunk.getVersion()).isEqualTo(5_000L);
        assertThat(inChunk.getSourceCommitTime()).isEqualTo(readAt);
        assertThat(afterIt.getVersion()).isEqualTo(SNAPSHOT_LSN);
        assertThat(afterIt.getSourceCommitTime()).isEqualTo(SNAPSHOT_TIME);
    }

    private ChangeEvent read(Struct row, Struct source) {
        List<Either<ErrorRecord, ChangeEvent>> out = new ArrayList<>();
        deserializer.deserialize(CUSTOMERS.read(row, source, CAPTURED), new ListCollector<>(out));
        assertThat(out).hasSize(1);
        return out.get(0).right();
    }

    private List<Either<ErrorRecord, ChangeEvent>> deserialize(Struct row) {
        Struct source = CUSTOMERS.source(24_023_128L, 771L, 1_705_314_645_123L);
        List<Either<ErrorRecord, ChangeEvent>> out = new ArrayList<>();
        deserializer.deserialize(CUSTOMERS.create(row, source, CAPTURED), new ListCollector<>(out));
        return out;
    }

    private static Struct customer(long id, String tenant) {
        return CUSTOMERS.row().put("id", id).put("tenant_id", tenant).put("email", "a@b.example");
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
