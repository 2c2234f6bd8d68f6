package io.syncline.operators.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.PostgresExtension;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The version-guarded upsert against a real PostgreSQL, one fresh table per test. */
class VersionGuardedUpsertTest {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String DATABASE = "version_guarded_upsert";

    private static final TargetTable ORDERS =
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
                            new TargetColumn("opens_at", "time without time zone"),
                            new TargetColumn("updated_at", "timestamp without time zone"),
                            new TargetColumn("seen_at", "timestamp with time zone"),
                            new TargetColumn("attrs", "jsonb"),
                            new TargetColumn("active", "boolean"),
                            new TargetColumn("score", "double precision"),
                            new TargetColumn("blob", "bytea"),
                            new TargetColumn("ref", "uuid")),
                    List.of("tenant", "id"));

    private static final String REF = "4b0e4a6c-5b7e-4b1f-9a51-0f0c4c1e2d3a";

    private Connection connection;

    @BeforeAll
    static void createDatabase() {
        POSTGRES.createDatabase(DATABASE);
    }

    @BeforeEach
    void freshTable() throws SQLException {
        POSTGRES.execute(
                DATABASE, "DROP TABLE IF EXISTS " + ORDERS.qualifiedName(), ORDERS.createSql());
        connection = POSTGRES.connect(DATABASE);
        try (Statement statement = connection.createStatement()) {
            // timestamptz prints in the session zone, which pgjdbc takes from the JVM.
            statement.execute("SET TIME ZONE 'UTC'");
        }
    }

    @AfterEach
    void closeConnection() throws SQLException {
        connection.close();
    }

    @Test
    void insertStoresEveryValueExactly() throws SQLException {
        int updated = write(create(42L, 100L, order("Zoë", "12.30")));

        assertThat(updated).isEqualTo(1);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("tenant", "acme");
        expected.put("id", "42");
        expected.put("name", "Zoë");
        expected.put("quantity", "5");
        expected.put("amount", "12.30");
        expected.put("born", "1987-06-05");
        expected.put("opens_at", "09:30:00.000001");
        expected.put("updated_at", "2024-01-15 10:30:45.123456");
        expected.put("seen_at", "2024-01-15 10:30:45.123456+00");
        // jsonb normalizes: keys sorted, one space after ':' and ','.
        expected.put("attrs", "{\"color\": \"red\", \"sizes\": [1, 2]}");
        expected.put("active", "true");
        expected.put("score", "4.75");
        expected.put("blob", "\\xdead00");
        expected.put("ref", REF);
        expected.put("_syncline_version", "100");
        expected.put("_syncline_deleted", "false");
        assertThat(rows()).containsExactly(expected);
    }

    @Test
    void datesAndTimesAtPostgresLimitsAreStoredExactly() throws SQLException {
        // 44 BC, after year 9999, and 24:00, all of which PostgreSQL stores and CDC delivers.
        long bcDay = java.time.LocalDate.of(-43, 3, 15).toEpochDay();
        long farDay = java.time.LocalDate.of(10_000, 1, 1).toEpochDay();
        Map<String, FieldValue> limits = new LinkedHashMap<>();
        limits.put("tenant", new FieldValue(FieldKind.STRING, "acme"));
        limits.put("id", new FieldValue(FieldKind.LONG, 7L));
        limits.put("born", new FieldValue(FieldKind.DATE, (int) bcDay));
        limits.put("opens_at", new FieldValue(FieldKind.TIME, 86_400_000_000L));
        limits.put(
                "updated_at",
                new FieldValue(FieldKind.TIMESTAMP, farDay * 86_400_000_000L + 1_500_000L));
        write(create(7L, 100L, limits));

        limits.put("id", new FieldValue(FieldKind.LONG, 8L));
        limits.put(
                "updated_at",
                new FieldValue(FieldKind.TIMESTAMP, bcDay * 86_400_000_000L + 43_200_000_000L));
        write(create(8L, 100L, limits));

        assertThat(row(7L))
                .containsEntry("born", "0044-03-15 BC")
                .containsEntry("opens_at", "24:00:00")
                .containsEntry("updated_at", "10000-01-01 00:00:01.5");
        assertThat(row(8L)).containsEntry("updated_at", "0044-03-15 12:00:00 BC");
    }

    @Test
    void nullValuesAreStoredAsNull() throws SQLException {
        Map<String, FieldValue> sparse = new LinkedHashMap<>();
        sparse.put("tenant", new FieldValue(FieldKind.STRING, "acme"));
        sparse.put("id", new FieldValue(FieldKind.LONG, 42L));
        sparse.put("amount", new FieldValue(FieldKind.DECIMAL, null));
        sparse.put("blob", new FieldValue(FieldKind.BYTES, null));

        write(create(42L, 100L, sparse));

        Map<String, String> row = row(42L);
        assertThat(row)
                .containsEntry("tenant", "acme")
                .containsEntry("id", "42")
                .containsEntry("_syncline_version", "100")
                .containsEntry("_syncline_deleted", "false");
        assertThat(row.entrySet())
                .filteredOn(
                        e ->
                                !List.of("tenant", "id", "_syncline_version", "_syncline_deleted")
                                        .contains(e.getKey()))
                .extracting(Map.Entry::getValue)
                .hasSize(12)
                .containsOnlyNulls();
    }

    @Test
    void newerVersionOverwrites() throws SQLException {
        write(create(42L, 100L, order("Zoë", "12.30")));

        int updated = write(update(42L, 200L, order("Zoë", "12.30"), order("Zoe B", "99.95")));

        assertThat(updated).isEqualTo(1);
        assertThat(row(42L))
                .containsEntry("name", "Zoe B")
                .containsEntry("amount", "99.95")
                .containsEntry("_syncline_version", "200")
                .containsEntry("_syncline_deleted", "false");
    }

    @Test
    void olderVersionDoesNotOverwrite() throws SQLException {
        write(create(42L, 200L, order("Zoe B", "99.95")));
        Map<String, String> stored = row(42L);

        int updated = write(update(42L, 100L, order("Zoë", "1.00"), order("Stale", "12.30")));

        assertThat(updated).isZero();
        assertThat(row(42L)).isEqualTo(stored).containsEntry("name", "Zoe B");
    }

    @Test
    void sameVersionReplayedChangesNothing() throws SQLException {
        ChangeEvent change = update(42L, 200L, order("Zoë", "12.30"), order("Zoe B", "99.95"));
        write(change);
        Map<String, String> stored = row(42L);
        long xmin = xmin(42L);

        int updated = write(change);

        assertThat(updated).isZero();
        assertThat(row(42L)).isEqualTo(stored);
        // No new row version was written at all, not merely the same values.
        assertThat(xmin(42L)).isEqualTo(xmin);
    }

    @Test
    void deleteLeavesTombstoneWithKeyAndVersion() throws SQLException {
        write(create(42L, 100L, order("Zoë", "12.30")));

        int updated = write(delete(42L, 200L, order("Zoë", "12.30")));

        assertThat(updated).isEqualTo(1);
        assertThat(rows()).containsExactly(tombstone(42L, "200"));
    }

    @Test
    void replayedOlderCreateDoesNotResurrectDeletedRow() throws SQLException {
        write(create(42L, 100L, order("Zoë", "12.30")));
        write(delete(42L, 200L, order("Zoë", "12.30")));

        int updated = write(create(42L, 100L, order("Zoë", "12.30")));

        assertThat(updated).isZero();
        assertThat(rows()).containsExactly(tombstone(42L, "200"));
    }

    @Test
    void newerCreateAfterDeleteRecreatesRow() throws SQLException {
        write(create(42L, 100L, order("Zoë", "12.30")));
        write(delete(42L, 200L, order("Zoë", "12.30")));

        write(create(42L, 300L, order("Zoë again", "1.00")));

        assertThat(row(42L))
                .containsEntry("name", "Zoë again")
                .containsEntry("amount", "1.00")
                .containsEntry("_syncline_version", "300")
                .containsEntry("_syncline_deleted", "false");
    }

    @Test
    void deleteOfUnseenRowInsertsTombstone() throws SQLException {
        int updated = write(delete(42L, 200L, order("Zoë", "12.30")));

        assertThat(updated).isEqualTo(1);
        assertThat(rows()).containsExactly(tombstone(42L, "200"));

        // The create that the delete overtook arrives late and must stay buried.
        write(create(42L, 100L, order("Zoë", "12.30")));
        assertThat(rows()).containsExactly(tombstone(42L, "200"));
    }

    @Test
    void batchAppliesChangesInOrderWithTheGuard() throws SQLException {
        List<ChangeEvent> batch =
                List.of(
                        create(42L, 100L, order("Zoë", "12.30")),
                        create(43L, 110L, order("Ann", "5.00")),
                        update(42L, 300L, order("Zoë", "12.30"), order("Zoe B", "99.95")),
                        // Arrives after a newer change of the same row, as after a replay.
                        update(42L, 200L, order("Zoë", "12.30"), order("Stale", "0.01")),
                        delete(43L, 400L, order("Ann", "5.00")),
                        create(43L, 110L, order("Ann", "5.00")));

        int[] counts;
        try (PreparedStatement statement = connection.prepareStatement(ORDERS.upsertSql())) {
            VersionGuardedUpsert upsert = new VersionGuardedUpsert(ORDERS);
            for (ChangeEvent change : batch) {
                upsert.statement(statement, change);
                statement.addBatch();
            }
            counts = statement.executeBatch();
        }

        assertThat(counts).containsExactly(1, 1, 1, 0, 1, 0);
        assertThat(row(42L))
                .containsEntry("name", "Zoe B")
                .containsEntry("amount", "99.95")
                .containsEntry("_syncline_version", "300")
                .containsEntry("_syncline_deleted", "false");
        assertThat(row(43L)).isEqualTo(tombstone(43L, "400"));
    }

    @Test
    void tableWithOddIdentifiersIsWritten() throws SQLException {
        TargetTable odd =
                new TargetTable(
                        "Sales Data",
                        "Order \"Items\"",
                        List.of(
                                new TargetColumn("Line No", "bigint"),
                                new TargetColumn("a\"b", "text"),
                                new TargetColumn("select", "text")),
                        List.of("Line No"));
        POSTGRES.execute(
                DATABASE,
                "DROP SCHEMA IF EXISTS \"Sales Data\" CASCADE",
                "CREATE SCHEMA \"Sales Data\"",
                odd.createSql());
        Map<String, FieldValue> line = new LinkedHashMap<>();
        line.put("Line No", new FieldValue(FieldKind.LONG, 1L));
        line.put("a\"b", new FieldValue(FieldKind.STRING, "first"));
        line.put("select", new FieldValue(FieldKind.STRING, "x"));
        Map<String, FieldValue> changed = new LinkedHashMap<>(line);
        changed.put("a\"b", new FieldValue(FieldKind.STRING, "second"));

        try (PreparedStatement statement = connection.prepareStatement(odd.upsertSql())) {
            VersionGuardedUpsert upsert = new VersionGuardedUpsert(odd);
            upsert.statement(statement, create(1L, 100L, line));
            statement.executeUpdate();
            upsert.statement(statement, update(1L, 200L, line, changed));
            statement.executeUpdate();
        }

        try (Statement statement = connection.createStatement();
                ResultSet rs =
                        statement.executeQuery(
                                "SELECT \"a\"\"b\", \"select\", \"_syncline_version\" FROM"
                                        + " \"Sales Data\".\"Order \"\"Items\"\"\""
                                        + " WHERE \"Line No\" = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("second");
            assertThat(rs.getString(2)).isEqualTo("x");
            assertThat(rs.getLong(3)).isEqualTo(200L);
            assertThat(rs.next()).isFalse();
        }
    }

    private int write(ChangeEvent change) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(ORDERS.upsertSql())) {
            new VersionGuardedUpsert(ORDERS).statement(statement, change);
            return statement.executeUpdate();
        }
    }

    private static Map<String, FieldValue> order(String name, String amount) {
        Map<String, FieldValue> image = new LinkedHashMap<>();
        image.put("tenant", new FieldValue(FieldKind.STRING, "acme"));
        image.put("name", new FieldValue(FieldKind.STRING, name));
        image.put("quantity", new FieldValue(FieldKind.INT, 5));
        image.put("amount", new FieldValue(FieldKind.DECIMAL, amount));
        image.put(
                "born",
                new FieldValue(FieldKind.DATE, (int) LocalDate.of(1987, 6, 5).toEpochDay()));
        image.put("opens_at", new FieldValue(FieldKind.TIME, 34_200_000_001L));
        image.put("updated_at", new FieldValue(FieldKind.TIMESTAMP, 1_705_314_645_123_456L));
        image.put("seen_at", new FieldValue(FieldKind.TIMESTAMP_TZ, "2024-01-15T10:30:45.123456Z"));
        image.put("attrs", new FieldValue(FieldKind.JSON, "{\"sizes\":[1,2],\"color\":\"red\"}"));
        image.put("active", new FieldValue(FieldKind.BOOLEAN, true));
        image.put("score", new FieldValue(FieldKind.DOUBLE, 4.75d));
        image.put(
                "blob",
                new FieldValue(
                        FieldKind.BYTES,
                        ByteBuffer.wrap(new byte[] {(byte) 0xde, (byte) 0xad, 0})));
        image.put("ref", new FieldValue(FieldKind.UUID, REF));
        return image;
    }

    private static ChangeEvent create(long id, long version, Map<String, FieldValue> after) {
        return change(Operation.CREATE, id, version, null, withId(after, id));
    }

    private static ChangeEvent update(
            long id, long version, Map<String, FieldValue> before, Map<String, FieldValue> after) {
        return change(Operation.UPDATE, id, version, withId(before, id), withId(after, id));
    }

    private static ChangeEvent delete(long id, long version, Map<String, FieldValue> before) {
        return change(Operation.DELETE, id, version, withId(before, id), null);
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
            Map<String, FieldValue> after) {
        return ChangeEvent.newBuilder()
                .setEventId("shop-db/" + version + "/acme/order/" + id)
                .setTenant("acme")
                .setEntityType("order")
                .setEntityId(Long.toString(id))
                .setOp(op)
                .setBefore(before)
                .setAfter(after)
                .setSourceCommitTime(Instant.parse("2024-01-15T10:30:45.123Z"))
                .setCaptureTime(Instant.parse("2024-01-15T10:30:45.250Z"))
                .setSourceId("shop-db")
                .setSourcePosition(Long.toString(version))
                .setVersion(version)
                .build();
    }

    private static Map<String, String> tombstone(long id, String version) {
        Map<String, String> row = new LinkedHashMap<>();
        for (TargetColumn column : ORDERS.columns()) {
            row.put(column.name(), null);
        }
        row.put("tenant", "acme");
        row.put("id", Long.toString(id));
        row.put("_syncline_version", version);
        row.put("_syncline_deleted", "true");
        return row;
    }

    private Map<String, String> row(long id) throws SQLException {
        List<Map<String, String>> matching =
                rows().stream().filter(r -> r.get("id").equals(Long.toString(id))).toList();
        assertThat(matching).as("rows with id %d", id).hasSize(1);
        return matching.get(0);
    }

    /** Every row of the table, each column read back as PostgreSQL prints it. */
    private List<Map<String, String>> rows() throws SQLException {
        List<String> names = new ArrayList<>();
        ORDERS.columns().forEach(c -> names.add(c.name()));
        names.add(TargetTable.VERSION_COLUMN);
        names.add(TargetTable.DELETED_COLUMN);
        String select =
                names.stream()
                        .map(n -> SqlIdentifiers.quote(n) + "::text")
                        .collect(Collectors.joining(", "));
        List<Map<String, String>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs =
                        statement.executeQuery(
                                "SELECT "
                                        + select
                                        + " FROM "
                                        + ORDERS.qualifiedName()
                                        + " ORDER BY \"id\"")) {
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    row.put(names.get(i), rs.getString(i + 1));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private long xmin(long id) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement(
                        "SELECT xmin::text::bigint FROM "
                                + ORDERS.qualifiedName()
                                + " WHERE id = ?")) {
            statement.setLong(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getLong(1);
            }
        }
    }
}
