package io.syncline.operators.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PeerTableTest {

    private static final PeerTable CUSTOMERS =
            new PeerTable(
                    "public",
                    "customers",
                    List.of(
                            new TargetColumn("id", "bigint"),
                            new TargetColumn("tenant_id", "text"),
                            new TargetColumn("amount", "numeric(12,2)")),
                    List.of("id"));

    @Test
    void writeDeletesByKeyOrUpsertsDataOriginAndClockInOneStatement() {
        assertThat(CUSTOMERS.writeSql())
                .isEqualTo(
                        "WITH \"_syncline_change\" (\"_syncline_deleted\", \"id\", \"tenant_id\","
                                + " \"amount\", \"_syncline_origin\", \"_syncline_clock\") AS"
                                + " (VALUES (CAST(? AS boolean), CAST(? AS bigint), CAST(? AS"
                                + " text), CAST(? AS numeric(12,2)), CAST(? AS text), CAST(? AS"
                                + " text))), \"_syncline_gone\" AS (DELETE FROM"
                                + " \"public\".\"customers\" AS t USING \"_syncline_change\" AS c"
                                + " WHERE c.\"_syncline_deleted\" AND t.\"id\" = c.\"id\") INSERT"
                                + " INTO \"public\".\"customers\" AS t (\"id\", \"tenant_id\","
                                + " \"amount\", \"_syncline_origin\", \"_syncline_clock\") SELECT"
                                + " \"id\", \"tenant_id\", \"amount\", \"_syncline_origin\","
                                + " \"_syncline_clock\" FROM \"_syncline_change\" WHERE NOT"
                                + " \"_syncline_deleted\" ON CONFLICT (\"id\") DO UPDATE SET"
                                + " \"tenant_id\" = EXCLUDED.\"tenant_id\", \"amount\" ="
                                + " EXCLUDED.\"amount\", \"_syncline_origin\" ="
                                + " EXCLUDED.\"_syncline_origin\", \"_syncline_clock\" ="
                                + " EXCLUDED.\"_syncline_clock\"");
    }

    @Test
    void writeHasOneParameterPerColumnPlusDeletedOriginAndClock() {
        assertThat(CUSTOMERS.writeSql().chars().filter(c -> c == '?').count()).isEqualTo(6);
    }

    @Test
    void writeHasNoVersionGuard() {
        assertThat(CUSTOMERS.writeSql()).doesNotContain("_syncline_version").doesNotEndWith(")");
    }

    @Test
    void compositeKeyMatchesEveryKeyColumnAndIsNotUpdated() {
        PeerTable lines =
                new PeerTable(
                        "sales",
                        "order_lines",
                        List.of(
                                new TargetColumn("order_id", "bigint"),
                                new TargetColumn("line_no", "integer"),
                                new TargetColumn("sku", "text")),
                        List.of("order_id", "line_no"));

        assertThat(lines.writeSql())
                .contains(
                        " WHERE c.\"_syncline_deleted\" AND t.\"order_id\" = c.\"order_id\" AND"
                                + " t.\"line_no\" = c.\"line_no\")")
                .contains(
                        " ON CONFLICT (\"order_id\", \"line_no\") DO UPDATE SET \"sku\" ="
                                + " EXCLUDED.\"sku\", \"_syncline_origin\"")
                .doesNotContain("\"order_id\" = EXCLUDED", "\"line_no\" = EXCLUDED");
    }

    @Test
    void keyOnlyTableStillUpdatesOriginAndClock() {
        PeerTable tags =
                new PeerTable(
                        "public", "tags", List.of(new TargetColumn("tag", "text")), List.of("tag"));

        assertThat(tags.writeSql())
                .endsWith(
                        " ON CONFLICT (\"tag\") DO UPDATE SET \"_syncline_origin\" ="
                                + " EXCLUDED.\"_syncline_origin\", \"_syncline_clock\" ="
                                + " EXCLUDED.\"_syncline_clock\"");
    }

    @Test
    void oddIdentifiersAreQuoted() {
        PeerTable odd =
                new PeerTable(
                        "Sales Data",
                        "Order \"Items\"",
                        List.of(
                                new TargetColumn("Line No", "bigint"),
                                new TargetColumn("select", "text")),
                        List.of("Line No"));

        assertThat(odd.writeSql())
                .contains("DELETE FROM \"Sales Data\".\"Order \"\"Items\"\"\" AS t")
                .contains("t.\"Line No\" = c.\"Line No\"")
                .contains("\"select\" = EXCLUDED.\"select\"");
    }

    @Test
    void bookkeepingColumnsAreNotDataColumns() {
        assertThatThrownBy(
                        () ->
                                new PeerTable(
                                        "public",
                                        "customers",
                                        List.of(
                                                new TargetColumn("id", "bigint"),
                                                new TargetColumn("_syncline_origin", "text")),
                                        List.of("id")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "column _syncline_origin of public.customers is a bookkeeping column, not"
                                + " a data column");
    }

    @Test
    void keyMustBeAColumn() {
        assertThatThrownBy(
                        () ->
                                new PeerTable(
                                        "public",
                                        "customers",
                                        List.of(new TargetColumn("id", "bigint")),
                                        List.of("code")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key column code is not a column of public.customers");
    }

    @Test
    void writeStatementRunsTheTablesWrite() {
        assertThat(new PeerWrite(CUSTOMERS).query()).isEqualTo(CUSTOMERS.writeSql());
    }
}
