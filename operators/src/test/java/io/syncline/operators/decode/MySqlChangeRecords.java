package io.syncline.operators.decode;

import io.debezium.data.Envelope;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Builds change records of one table the way Flink CDC's MySQL connector (Debezium 1.9) emits them
 * for MySQL and MariaDB: the envelope with row images and the MySQL source block, which names the
 * table by database and places the change by binlog file and offset.
 */
final class MySqlChangeRecords {

    /** The source block of Debezium 1.9's MySQL connector. */
    static final Schema SOURCE_SCHEMA =
            SchemaBuilder.struct()
                    .name("io.debezium.connector.mysql.Source")
                    .field("version", Schema.STRING_SCHEMA)
                    .field("connector", Schema.STRING_SCHEMA)
                    .field("name", Schema.STRING_SCHEMA)
                    .field("ts_ms", Schema.INT64_SCHEMA)
                    .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("db", Schema.STRING_SCHEMA)
                    .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("table", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("server_id", Schema.INT64_SCHEMA)
                    .field("gtid", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("file", Schema.STRING_SCHEMA)
                    .field("pos", Schema.INT64_SCHEMA)
                    .field("row", Schema.INT32_SCHEMA)
                    .field("thread", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("query", Schema.OPTIONAL_STRING_SCHEMA)
                    .build();

    private static final String SERVER = "mysql_binlog_source";

    private final String database;
    private final String table;
    private final Schema rowSchema;
    private final Envelope envelope;

    MySqlChangeRecords(String database, String table, SchemaBuilder row) {
        this.database = database;
        this.table = table;
        this.rowSchema = row.name(topic() + ".Value").optional().build();
        this.envelope =
                Envelope.defineSchema()
                        .withName(topic() + ".Envelope")
                        .withRecord(rowSchema)
                        .withSource(SOURCE_SCHEMA)
                        .build();
    }

    Struct row() {
        return new Struct(rowSchema);
    }

    /** The source block of a change at {@code file:pos}, in GTID {@code gtid} (may be null). */
    Struct source(String file, long pos, String gtid, long commitMillis) {
        return new Struct(SOURCE_SCHEMA)
                .put("version", "1.9.8.Final")
                .put("connector", "mysql")
                .put("name", SERVER)
                .put("ts_ms", commitMillis)
                .put("snapshot", "false")
                .put("db", database)
                .put("table", table)
                .put("server_id", 1L)
                .put("gtid", gtid)
                .put("file", file)
                .put("pos", pos)
                .put("row", 0);
    }

    SourceRecord read(Struct after, Struct source, Instant captured) {
        return record(envelope.read(after, source, captured));
    }

    SourceRecord create(Struct after, Struct source, Instant captured) {
        return record(envelope.create(after, source, captured));
    }

    SourceRecord update(Struct before, Struct after, Struct source, Instant captured) {
        return record(envelope.update(before, after, source, captured));
    }

    SourceRecord delete(Struct before, Struct source, Instant captured) {
        return record(envelope.delete(before, source, captured));
    }

    private SourceRecord record(Struct value) {
        Struct source = value.getStruct("source");
        return new SourceRecord(
                Map.of("server", SERVER),
                Map.of("file", source.getString("file"), "pos", source.getInt64("pos")),
                topic(),
                null,
                null,
                null,
                envelope.schema(),
                value);
    }

    private String topic() {
        return SERVER + "." + database + "." + table;
    }
}
