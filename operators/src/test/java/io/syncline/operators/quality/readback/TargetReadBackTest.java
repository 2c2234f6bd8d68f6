package io.syncline.operators.quality.readback;

import static io.syncline.operators.quality.readback.Orders.TABLE;
import static io.syncline.operators.quality.readback.Orders.create;
import static io.syncline.operators.quality.readback.Orders.delete;
import static io.syncline.operators.quality.readback.Orders.order;
import static io.syncline.operators.quality.readback.Orders.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.embedded.PostgresExtension;
import io.syncline.operators.quality.readback.Verdict.Outcome;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reading rows written by the version-guarded upsert back from a real PostgreSQL. */
class TargetReadBackTest {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String DATABASE = "read_back";

    private Connection connection;
    private TargetReadBack readBack;

    @BeforeEach
    void freshTable() throws SQLException {
        Orders.freshTable(POSTGRES, DATABASE);
        connection = POSTGRES.connect(DATABASE);
        readBack =
                new TargetReadBack(
                        POSTGRES.jdbcUrl(DATABASE),
                        POSTGRES.username(),
                        POSTGRES.password(),
                        Map.of(Orders.ORDER, TABLE));
    }

    @AfterEach
    void close() throws SQLException {
        readBack.close();
        connection.close();
    }

    @Test
    void rowsWrittenByTheSinkAgree() throws SQLException {
        ChangeEvent created = create(42L, 100L, order("Zoë", "12.30"));
        ChangeEvent updated = update(42L, 200L, order("Zoe B", "99.95"));
        ChangeEvent other = create(43L, 150L, order("Ann", "5.00"));
        Orders.write(connection, created, other, updated);

        assertThat(readBack.check(List.of(updated, other)))
                .extracting(v -> v.sample().getEventId(), Verdict::outcome, Verdict::reason)
                .containsExactly(
                        tuple(
                                updated.getEventId(),
                                Outcome.AGREED,
                                "the target holds version 200 as written"),
                        tuple(
                                other.getEventId(),
                                Outcome.AGREED,
                                "the target holds version 150 as written"));
    }

    @Test
    void aValueEditedInTheTargetDivergesNamingItsColumn() throws SQLException {
        // Each edit changes one column of one row to a value the sink never wrote.
        Map<String, String> edits = new LinkedHashMap<>();
        edits.put("name", "'Zoe'");
        edits.put("quantity", "6");
        edits.put("amount", "12.31");
        edits.put("born", "'1987-06-06'");
        edits.put("updated_at", "'2024-01-15 10:30:45.123457'");
        edits.put("seen_at", "'2024-01-15 10:30:45.123456+01'");
        edits.put("active", "false");
        edits.put("attrs", "'{\"color\": \"blue\", \"sizes\": [1, 2]}'");
        edits.put("notes", "'{\"gift\": false}'");
        List<ChangeEvent> samples = new ArrayList<>();
        long id = 1;
        for (String column : edits.keySet()) {
            samples.add(create(id++, 100L, order("Zoë", "12.30")));
        }
        ChangeEvent untouched = create(id, 100L, order("Zoë", "12.30"));
        samples.add(untouched);
        Orders.write(connection, samples.toArray(ChangeEvent[]::new));
        id = 1;
        for (Map.Entry<String, String> edit : edits.entrySet()) {
            POSTGRES.execute(
                    DATABASE,
                    "UPDATE orders SET \""
                            + edit.getKey()
                            + "\" = "
                            + edit.getValue()
                            + " WHERE id = "
                            + id++);
        }

        List<String> expected = new ArrayList<>();
        for (String column : edits.keySet()) {
            expected.add("column " + column + " differs from the written value");
        }
        expected.add("the target holds version 100 as written");
        List<Verdict> verdicts = readBack.check(samples);
        assertThat(verdicts).extracting(Verdict::reason).containsExactlyElementsOf(expected);
        assertThat(verdicts)
                .extracting(Verdict::outcome)
                .containsExactly(
                        Outcome.DIVERGED,
                        Outcome.DIVERGED,
                        Outcome.DIVERGED,
                        Outcome.DIVERGED,
                        Outcome.DIVERGED,
                        Outcome.DIVERGED,
                        Outcome.DIVERGED,
                        Outcome.DIVERGED,
                        Outcome.DIVERGED,
                        Outcome.AGREED);
    }

    @Test
    void everyDifferingColumnIsNamed() throws SQLException {
        ChangeEvent written = create(42L, 100L, order("Zoë", "12.30"));
        Orders.write(connection, written);
        POSTGRES.execute(DATABASE, "UPDATE orders SET name = NULL, amount = 0 WHERE id = 42");

        assertThat(readBack.check(List.of(written)))
                .extracting(Verdict::outcome, Verdict::reason)
                .containsExactly(
                        tuple(
                                Outcome.DIVERGED,
                                "columns name, amount differ from the written values"));
    }

    @Test
    void valuesCompareAsTheColumnTypeNotAsText() throws SQLException {
        Orders.write(connection, create(42L, 100L, order("Zoë", "12.30")));
        Map<String, FieldValue> spelledOtherwise = order("Zoë", "12.300");
        spelledOtherwise.put(
                "seen_at",
                new FieldValue(FieldKind.TIMESTAMP_TZ, "2024-01-15T11:30:45.123456+01:00"));
        spelledOtherwise.put(
                "attrs", new FieldValue(FieldKind.JSON, "{\"color\": \"red\", \"sizes\": [1, 2]}"));

        assertThat(readBack.check(List.of(create(42L, 100L, spelledOtherwise))))
                .extracting(Verdict::outcome)
                .containsExactly(Outcome.AGREED);
    }

    @Test
    void aColumnMissingFromTheAfterImageCountsAsNull() throws SQLException {
        Map<String, FieldValue> sparse = new LinkedHashMap<>();
        sparse.put("tenant", new FieldValue(FieldKind.STRING, Orders.TENANT));
        sparse.put("amount", new FieldValue(FieldKind.DECIMAL, null));
        ChangeEvent written = create(42L, 100L, sparse);
        Orders.write(connection, written);

        assertThat(readBack.check(List.of(written)))
                .extracting(Verdict::outcome)
                .containsExactly(Outcome.AGREED);

        POSTGRES.execute(DATABASE, "UPDATE orders SET name = 'Zoë' WHERE id = 42");
        assertThat(readBack.check(List.of(written)))
                .extracting(Verdict::outcome, Verdict::reason)
                .containsExactly(
                        tuple(Outcome.DIVERGED, "column name differs from the written value"));
    }

    @Test
    void aRowMissingFromTheTargetDiverges() throws SQLException {
        Orders.write(connection, create(43L, 100L, order("Ann", "5.00")));

        assertThat(readBack.check(List.of(create(42L, 100L, order("Zoë", "12.30")))))
                .extracting(Verdict::outcome, Verdict::reason)
                .containsExactly(tuple(Outcome.DIVERGED, "the target has no row for it"));
    }

    @Test
    void anOlderStoredVersionDiverges() throws SQLException {
        Orders.write(connection, create(42L, 100L, order("Zoë", "12.30")));

        assertThat(readBack.check(List.of(update(42L, 200L, order("Zoe B", "99.95")))))
                .extracting(Verdict::outcome, Verdict::reason)
                .containsExactly(tuple(Outcome.DIVERGED, "the target holds older version 100"));
    }

    @Test
    void aNewerStoredVersionSupersedesTheSample() throws SQLException {
        ChangeEvent older = create(42L, 100L, order("Zoë", "12.30"));
        Orders.write(connection, older, update(42L, 200L, order("Zoe B", "99.95")));

        assertThat(readBack.check(List.of(older)))
                .extracting(Verdict::outcome, Verdict::reason)
                .containsExactly(tuple(Outcome.SUPERSEDED, "the target holds newer version 200"));
    }

    @Test
    void aTombstoneAgreesWithItsDelete() throws SQLException {
        ChangeEvent deleted = delete(42L, 200L, order("Zoë", "12.30"));
        Orders.write(connection, create(42L, 100L, order("Zoë", "12.30")), deleted);

        assertThat(readBack.check(List.of(deleted)))
                .extracting(Verdict::outcome, Verdict::reason)
                .containsExactly(tuple(Outcome.AGREED, "the target holds version 200 as written"));
    }

    @Test
    void aDeletedFlagThatDiffersAtTheSameVersionDiverges() throws SQLException {
        ChangeEvent deleted = delete(42L, 200L, order("Zoë", "12.30"));
        ChangeEvent updated = update(43L, 200L, order("Ann", "5.00"));
        Orders.write(connection, deleted, updated);
        POSTGRES.execute(
                DATABASE,
                "UPDATE orders SET _syncline_deleted = NOT _syncline_deleted WHERE id IN (42, 43)");

        assertThat(readBack.check(List.of(deleted, updated)))
                .extracting(Verdict::outcome, Verdict::reason)
                .containsExactly(
                        tuple(Outcome.DIVERGED, "the target row is not deleted"),
                        tuple(Outcome.DIVERGED, "the target row is deleted"));
    }

    @Test
    void reconnectsOnceWhenTheConnectionBreaks() throws SQLException {
        ChangeEvent written = create(42L, 100L, order("Zoë", "12.30"));
        Orders.write(connection, written);
        assertThat(readBack.check(List.of(written)))
                .extracting(Verdict::outcome)
                .containsExactly(Outcome.AGREED);
        List<Integer> first = readBackBackends();
        assertThat(first).hasSize(1);

        terminate(first.get(0));

        assertThat(readBack.check(List.of(written)))
                .extracting(Verdict::outcome)
                .containsExactly(Outcome.AGREED);
        assertThat(readBackBackends()).hasSize(1).doesNotContain(first.get(0));
    }

    @Test
    void anUnreachableDatabaseFailsAsAConnectionFailure() throws IOException {
        TargetReadBack unreachable =
                new TargetReadBack(
                        "jdbc:postgresql://localhost:" + closedPort() + "/" + DATABASE,
                        POSTGRES.username(),
                        POSTGRES.password(),
                        Map.of(Orders.ORDER, TABLE));

        assertThatThrownBy(
                        () -> unreachable.check(List.of(create(42L, 100L, order("Zoë", "1.00")))))
                .isInstanceOfSatisfying(
                        SQLException.class,
                        e -> assertThat(TargetReadBack.isConnectionFailure(e)).isTrue());
    }

    @Test
    void aSampleOfAnEntityTypeWithoutTargetTableIsRejected() {
        ChangeEvent invoice = Orders.ofType(create(42L, 100L, order("Zoë", "1.00")), "invoice");

        assertThatThrownBy(() -> readBack.check(List.of(invoice)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "entity type invoice has no target table to read back from; known: [order]");
    }

    /** The server processes serving read-back connections to the test database. */
    private List<Integer> readBackBackends() throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = ? AND datname"
                                + " = ?")) {
            statement.setString(1, TargetReadBack.APPLICATION_NAME);
            statement.setString(2, DATABASE);
            List<Integer> pids = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    pids.add(result.getInt(1));
                }
            }
            return pids;
        }
    }

    /** Ends a server process, as a restart of the database would, and waits until it is gone. */
    private void terminate(int pid) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT pg_terminate_backend(?, 10000)")) {
            statement.setInt(1, pid);
            try (ResultSet result = statement.executeQuery()) {
                assertThat(result.next()).isTrue();
                assertThat(result.getBoolean(1)).isTrue();
            }
        }
    }

    /** A local port nothing listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
