package io.syncline.operators.quality.readback;

import io.syncline.embedded.PostgresExtension;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.operators.sink.TargetTable;
import io.syncline.operators.sink.VersionGuardedUpsert;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A target table of orders with columns of many types, and the changes written to it. */
final class Orders {

    static final String TENANT = "acme";
    static final String ORDER = "order";
    static final Instant COMMITTED = Instant.parse("2024-01-15T10:30:45.123Z");

    static final TargetTable TABLE =
            new TargetTable(
                    "public",
                    "orders",
                    List.of(
                            new TargetColumn("tenant", "text"),
                            new TargetColumn("id", "bigint"),
                            new TargetColumn("name", "text"),
                            new TargetColumn("quantity", "integer"),
                            new TargetColumn("amount", "numeric(12,2)"),
                            new TargetColumn("born", "date"),
                            new TargetColumn("updated_at", "timestamp without time zone"),
                            new TargetColumn("seen_at", "timestamp with time zone"),
                            new TargetColumn("active", "boolean"),
                            new TargetColumn("attrs", "jsonb"),
                            new TargetColumn("notes", "json")),
                    List.of("tenant", "id"));

    private Orders() {}

    /** Creates the database unless it exists, and the table afresh. */
    static void freshTable(PostgresExtension postgres, String database) {
        postgres.createDatabase(database);
        postgres.execute(
                database, "DROP TABLE IF EXISTS " + TABLE.qualifiedName(), TABLE.createSql());
    }

    /** An order with a value in every column but the key. */
    static Map<String, FieldValue> order(String name, String amount) {
        Map<String, FieldValue> image = new LinkedHashMap<>();
        image.put("tenant", new FieldValue(FieldKind.STRING, TENANT));
        image.put("name", new FieldValue(FieldKind.STRING, name));
        image.put("quantity", new FieldValue(FieldKind.INT, 5));
        image.put("amount", new FieldValue(FieldKind.DECIMAL, amount));
        image.put(
                "born",
                new FieldValue(FieldKind.DATE, (int) LocalDate.of(1987, 6, 5).toEpochDay()));
        image.put("updated_at", new FieldValue(FieldKind.TIMESTAMP, 1_705_314_645_123_456L));
        image.put("seen_at", new FieldValue(FieldKind.TIMESTAMP_TZ, "2024-01-15T10:30:45.123456Z"));
        image.put("active", new FieldValue(FieldKind.BOOLEAN, true));
        image.put("attrs", new FieldValue(FieldKind.JSON, "{\"sizes\":[1,2],\"color\":\"red\"}"));
        image.put("notes", new FieldValue(FieldKind.JSON, "{\"gift\": true}"));
        return image;
    }

    static ChangeEvent create(long id, long version, Map<String, FieldValue> after) {
        return change(Operation.CREATE, id, version, null, withId(after, id), COMMITTED);
    }

    static ChangeEvent update(long id, long version, Map<String, FieldValue> after) {
        return change(
                Operation.UPDATE, id, version, withId(after, id), withId(after, id), COMMITTED);
    }

    static ChangeEvent delete(long id, long version, Map<String, FieldValue> before) {
        return change(Operation.DELETE, id, version, withId(before, id), null, COMMITTED);
    }

    /** {@code change} as committed at {@code commitTime}. */
    static ChangeEvent committedAt(ChangeEvent change, Instant commitTime) {
        return ChangeEvent.newBuilder(change).setSourceCommitTime(commitTime).build();
    }

    /** {@code change} of another entity type. */
    static ChangeEvent ofType(ChangeEvent change, String entityType) {
        return ChangeEvent.newBuilder(change).setEntityType(entityType).build();
    }

    /** Writes {@code changes} in order with the target sink's upsert. */
    static void write(Connection connection, ChangeEvent... changes) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(TABLE.upsertSql())) {
            VersionGuardedUpsert upsert = new VersionGuardedUpsert(TABLE);
            for (ChangeEvent change : changes) {
                upsert.statement(statement, change);
                statement.executeUpdate();
            }
        }
    }

    private static Map<String, FieldValue> withId(Map<String, FieldValue> image, long id) {
        Map<String, FieldValue> copy = new LinkedHashMap<>(image);
        copy.putIfAbsent("id", new FieldValue(FieldKind.LONG, id));
        return copy;
    }

    private static ChangeEvent change(
            Operation op,
            long id,
            long version,
            Map<String, FieldValue> before,
            Map<String, FieldValue> after,
            Instant commitTime) {
        return ChangeEvent.newBuilder()
                .setEventId("shop-db/" + version + "/" + TENANT + "/" + ORDER + "/" + id)
                .setTenant(TENANT)
                .setEntityType(ORDER)
                .setEntityId(Long.toString(id))
                .setOp(op)
                .setBefore(before)
                .setAfter(after)
                .setSourceCommitTime(commitTime)
                .setCaptureTime(commitTime.plusMillis(100))
                .setSourceId("shop-db")
                .setSourcePosition(Long.toString(version))
                .setVersion(version)
                .build();
    }
}
