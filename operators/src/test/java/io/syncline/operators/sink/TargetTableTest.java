package io.syncline.operators.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetTableTest {

    private static final TargetTable ORDERS =
            new TargetTable(
                    "public",
                    "orders",
                    List.of(
                            new TargetColumn("id", "bigint"),
                            new TargetColumn("name", "text"),
                            new TargetColumn("amount", "numeric(12,2)")),
                    List.of("id"));

    @Test
    void upsertUpdatesOnlyWhenTheStoredVersionIsOlder() {
        assertThat(ORDERS.upsertSql())
                .isEqualTo(
                        "INSERT INTO \"public\".\"orders\" AS t (\"id\", \"name\", \"amount\","
                                + " \"_syncline_version\", \"_syncline_deleted\") VALUES (CAST(?"
                                + " AS bigint), CAST(? AS text), CAST(? AS numeric(12,2)), ?, ?)"
                                + " ON CONFLICT (\"id\") DO UPDATE SET \"name\" ="
                                + " EXCLUDED.\"name\", \"amount\" = EXCLUDED.\"amount\","
                                + " \"_syncline_version\" = EXCLUDED.\"_syncline_version\","
                                + " \"_syncline_deleted\" = EXCLUDED.\"_syncline_deleted\" WHERE"
                                + " t.\"_syncline_version\" < EXCLUDED.\"_syncline_version\"");
    }

    @Test
    void upsertEndsWithTheVersionGuard() {
        assertThat(ORDERS.upsertSql())
                .endsWith(" WHERE t.\"_syncline_version\" < EXCLUDED.\"_syncline_version\"");
    }

    @Test
    void upsertHasOneParameterPerColumnPlusVersionAndTombstone() {
        assertThat(ORDERS.upsertSql().chars().filter(c -> c == '?').count()).isEqualTo(5);
    }

    @Test
    void createHoldsTheBookkeepingColumnsAndTheKey() {
        assertThat(ORDERS.createSql())
                .isEqualTo(
                        "CREATE TABLE IF NOT EXISTS \"public\".\"orders\" (\"id\" bigint, \"name\""
                                + " text, \"amount\" numeric(12,2), \"_syncline_version\" BIGINT"
                                + " NOT NULL, \"_syncline_deleted\" BOOLEAN NOT NULL DEFAULT"
                                + " FALSE, PRIMARY KEY (\"id\"))");
    }

    @Test
    void compositeKeyIsTheConflictTargetAndIsNotUpdated() {
        TargetTable lines =
                new TargetTable(
                        "public",
                        "order_lines",
                        List.of(
                                new TargetColumn("tenant", "text"),
                                new TargetColumn("order_id", "bigint"),
                                new TargetColumn("sku", "text")),
                        List.of("tenant", "order_id"));

        assertThat(lines.upsertSql())
                .contains(
                        " ON CONFLICT (\"tenant\", \"order_id\") DO UPDATE SET \"sku\" ="
                                + " EXCLUDED.\"sku\", \"_syncline_version\"")
                .doesNotContain("\"tenant\" = EXCLUDED", "\"order_id\" = EXCLUDED");
        assertThat(lines.createSql()).endsWith(", PRIMARY KEY (\"tenant\", \"order_id\"))");
    }

    @Test
    void keyOnlyTableStillUpdatesVersionAndTombstone() {
        TargetTable tags =
                new TargetTable(
                        "public", "tags", List.of(new TargetColumn("tag", "text")), List.of("tag"));

        assertThat(tags.upsertSql())
                .contains(
                        " DO UPDATE SET \"_syncline_version\" = EXCLUDED.\"_syncline_version\","
                                + " \"_syncline_deleted\" = EXCLUDED.\"_syncline_deleted\" WHERE"
                                + " t.\"_syncline_version\" < EXCLUDED.\"_syncline_version\"");
    }

    @Test
    void oddIdentifiersAreQuotedWithEmbeddedQuotesDoubled() {
        TargetTable odd =
                new TargetTable(
                        "Sales Data",
                        "Order \"Items\"",
                        List.of(
                                new TargetColumn("Line No", "bigint"),
                                new TargetColumn("a\"b", "text"),
                                new TargetColumn("select", "text")),
                        List.of("Line No"));

        assertThat(odd.qualifiedName()).isEqualTo("\"Sales Data\".\"Order \"\"Items\"\"\"");
        assertThat(odd.upsertSql())
                .startsWith(
                        "INSERT INTO \"Sales Data\".\"Order \"\"Items\"\"\" AS t (\"Line No\","
                                + " \"a\"\"b\", \"select\", ")
                .contains(
                        "ON CONFLICT (\"Line No\") DO UPDATE SET \"a\"\"b\" = EXCLUDED.\"a\"\"b\","
                                + " \"select\" = EXCLUDED.\"select\", ");
        assertThat(odd.createSql())
                .isEqualTo(
                        "CREATE TABLE IF NOT EXISTS \"Sales Data\".\"Order \"\"Items\"\"\""
                                + " (\"Line No\" bigint, \"a\"\"b\" text, \"select\" text,"
                                + " \"_syncline_version\" BIGINT NOT NULL, \"_syncline_deleted\""
                                + " BOOLEAN NOT NULL DEFAULT FALSE, PRIMARY KEY (\"Line No\"))");
    }

    @Test
    void quoteDoublesEveryEmbeddedQuote() {
        assertThat(SqlIdentifiers.quote("plain")).isEqualTo("\"plain\"");
        assertThat(SqlIdentifiers.quote("\"")).isEqualTo("\"\"\"\"");
        assertThat(SqlIdentifiers.quote("x\"; DROP TABLE t; --"))
                .isEqualTo("\"x\"\"; DROP TABLE t; --\"");
    }

    @Test
    void columnsAndKeyAreCopied() {
        List<TargetColumn> columns = new ArrayList<>(List.of(new TargetColumn("id", "bigint")));
        List<String> key = new ArrayList<>(List.of("id"));
        TargetTable table = new TargetTable("public", "t", columns, key);

        columns.add(new TargetColumn("extra", "text"));
        key.add("extra");

        assertThat(table.columns()).containsExactly(new TargetColumn("id", "bigint"));
        assertThat(table.primaryKey()).containsExactly("id");
    }

    @Test
    void upsertStatementRunsTheTablesUpsert() {
        assertThat(new VersionGuardedUpsert(ORDERS).query()).isEqualTo(ORDERS.upsertSql());
    }
}
