package io.syncline.operators.decode;

import io.debezium.data.Envelope;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Builds change records of one table the way Debezium's Postgres connector (server name {@code
 * shop}) emits them: key struct of the primary key, envelope with row images and the connector's
 * source block.
 */
final class PostgresChangeRecords {

    /** The source block of Debezium 1.9's Postgres connector. */
    static final Schema SOURCE_SCHEMA =
            SchemaBuilder.struct()
                    .name("io.debezium.connector.postgresql.Source")
                    .field("version", Schema.STRING_SCHEMA)
                    .field("connector", Schema.STRING_SCHEMA)
                    .field("name", Schema.STRING_SCHEMA)
                    .field("ts_ms", Schema.INT64_SCHEMA)
                    .field(
                            "snapshot",
                            SchemaBuilder.string()
                                    .optional()
                                    .name("io.debezium.data.Enum")
                                    .version(1)
                                    .parameter("allowed", "true,last,false,incremental")
                                    .defaultValue("false")
                                    .build())
                    .field("db", Schema.STRING_SCHEMA)
                    .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("schema", Schema.STRING_SCHEMA)
                    .field("table", Schema.STRING_SCHEMA)
                    .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();

    private static final String SERVER = "shop";

    private final String schema;
    private final String table;
    private final Schema rowSchema;
    private final Schema keySchema;
    private final Envelope envelope;

    /**
     * @param schema Postgres schema of the table
     * @param table table name
     * @param row fields of the row, built into the {@code <server>.<schema>.<table>.Value} schema
     * @param primaryKey key columns, which Debezium also puts into the record key
     */
    PostgresChangeRecords(String schema, String table, SchemaBuilder row, List<String> primaryKey) {
        this.schema = schema;
        this.table = table;
        this.rowSchema = row.name(prefix() + ".Value").optional().build();
        SchemaBuilder key = SchemaBuilder.struct().name(prefix() + ".Key");
        for (String column : primaryKey) {
            key.field(column, rowSchema.field(column).schema());
        }
        this.keySchema = key.build();
        this.envelope =
                Envelope.defineSchema()
                        .withName(prefix() + ".Envelope")
                        .withRecord(rowSchema)
                        .withSource(SOURCE_SCHEMA)
                        .build();
    }

    /** An empty row to fill with {@link Struct#put}. */
    Struct row() {
        return new Struct(rowSchema);
    }

    /** The source block of a streamed change. */
    Struct source(long lsn, long txId, long commitMillis) {
        return source(lsn, txId, commitMillis, "false");
    }

    /** The source block of a row read by the initial snapshot. */
    Struct snapshotSource(long lsn, long txId, long commitMillis) {
        return source(lsn, txId, commitMillis, "true");
    }

    private Struct source(long lsn, long txId, long commitMillis, String snapshot) {
        return new Struct(SOURCE_SCHEMA)
                .put("version", "1.9.8.Final")
                .put("connector", "postgresql")
                .put("name", SERVER)
                .put("ts_ms", commitMillis)
                .put("snapshot", snapshot)
                .put("db", "shop")
                .put("sequence", "[null,\"" + lsn + "\"]")
                .put("schema", schema)
                .put("table", table)
                .put("txId", txId)
                .put("lsn", lsn)
                .put("xmin", null);
    }

    SourceRecord read(Struct after, Struct source, Instant captured) {
        return record(after, source, envelope.read(after, source, captured));
    }

    SourceRecord create(Struct after, Struct source, Instant captured) {
        return record(after, source, envelope.create(after, source, captured));
    }

    SourceRecord update(Struct before, Struct after, Struct source, Instant captured) {
        return record(after, source, envelope.update(before, after, source, captured));
    }

    SourceRecord delete(Struct before, Struct source, Instant captured) {
        return record(before, source, envelope.delete(before, source, captured));
    }

    SourceRecord truncate(Struct source, Instant captured) {
        return new SourceRecord(
                partition(),
                offset(source),
                topic(),
                null,
                null,
                null,
                envelope.schema(),
                envelope.truncate(source, captured));
    }

    /** The tombstone Debezium emits after a delete so that Kafka compaction drops the key. */
    SourceRecord tombstone(Struct deleted, Struct source) {
        return new SourceRecord(
                partition(), offset(source), topic(), null, keySchema, keyOf(deleted), null, null);
    }

    String topic() {
        return prefix();
    }

    private SourceRecord record(Struct image, Struct source, Struct value) {
        return new SourceRecord(
                partition(),
                offset(source),
                topic(),
                null,
                keySchema,
                keyOf(image),
                envelope.schema(),
                value);
    }

    private Struct keyOf(Struct image) {
        Struct key = new Struct(keySchema);
        for (var field : keySchema.fields()) {
            key.put(field.name(), image.get(field.name()));
        }
        return key;
    }

    private static Map<String, ?> partition() {
        return Map.of("server", SERVER);
    }

    private static Map<String, ?> offset(Struct source) {
        Long lsn = source.getInt64("lsn");
        // As Flink CDC does for snapshot reads, whose LSN is empty.
        return Map.of(
                "lsn",
                lsn == null ? 0L : lsn,
                "txId",
                source.getInt64("txId"),
                "ts_usec",
                source.getInt64("ts_ms") * 1000);
    }

    private String prefix() {
        return SERVER + "." + schema + "." + table;
    }
}
