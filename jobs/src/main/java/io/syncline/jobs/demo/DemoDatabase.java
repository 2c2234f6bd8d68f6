package io.syncline.jobs.demo;

import io.syncline.embedded.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's databases (two sources holding customers of several tenants, and the target) and the
 * queries that compare them.
 */
public final class DemoDatabase {

    /** The first source database, also the source's id: the CRM, with customers and contracts. */
    public static final String SOURCE = "crm";

    /**
     * The second source database, also the source's id: the ERP, which writes the same customers
     * and opens the same accounts as the CRM.
     */
    public static final String SECOND_SOURCE = "erp";

    /** The target database. */
    public static final String TARGET = "warehouse";

    /** Tenants the demo configures. */
    public static final List<String> TENANTS = List.of("acme", "globex", "initech");

    private static final String CUSTOMERS =
            "CREATE TABLE customers (id BIGINT PRIMARY KEY, tenant_id TEXT, name TEXT NOT NULL,"
                    + " email TEXT, tier TEXT, balance NUMERIC(12,2), updated_at TIMESTAMP NOT"
                    + " NULL)";
    private static final String CONTRACTS =
            "CREATE TABLE contracts (id BIGINT PRIMARY KEY, tenant_id TEXT, customer_id BIGINT,"
                    + " product TEXT, amount NUMERIC(12,2), starts_on DATE, status TEXT,"
                    + " attributes JSONB)";
    private static final String ACCOUNTS =
            "CREATE TABLE accounts (id BIGINT PRIMARY KEY, tenant_id TEXT, customer_id BIGINT,"
                    + " credit_limit NUMERIC(12,2), opened_on DATE)";

    // REPLICA IDENTITY FULL: deletes and updates then carry the whole old row, tenant included.
    private static final String[] SOURCE_SCHEMA = {
        CUSTOMERS,
        CONTRACTS,
        ACCOUNTS,
        "ALTER TABLE customers REPLICA IDENTITY FULL",
        "ALTER TABLE contracts REPLICA IDENTITY FULL",
        "ALTER TABLE accounts REPLICA IDENTITY FULL"
    };

    private static final String[] SECOND_SOURCE_SCHEMA = {
        CUSTOMERS,
        ACCOUNTS,
        "ALTER TABLE customers REPLICA IDENTITY FULL",
        "ALTER TABLE accounts REPLICA IDENTITY FULL"
    };

    private DemoDatabase() {}

    /** Creates the source and target databases and the sources' tables. */
    public static void create(EmbeddedPostgresServer postgres) {
        postgres.createDatabase(SOURCE);
        postgres.createDatabase(SECOND_SOURCE);
        postgres.createDatabase(TARGET);
        postgres.execute(SOURCE, SOURCE_SCHEMA);
        postgres.execute(SECOND_SOURCE, SECOND_SOURCE_SCHEMA);
    }

    /** The rows {@code sql} returns, each as its column values in text form. */
    public static List<List<String>> rows(
            EmbeddedPostgresServer postgres, String database, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection connection = postgres.connect(database);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(result.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * A query for the rows of {@code table} that should reach the target: in a source, the valid
     * rows of the configured tenants; in the target, those not deleted.
     */
    public static String syncedRowsQuery(String database, String table, String columns) {
        String filter =
                database.equals(TARGET)
                        ? "NOT _syncline_deleted"
                        : "tenant_id IN ('"
                                + String.join("', '", TENANTS)
                                + "') AND id < "
                                + DemoWorkload.INVALID_IDS;
        return "SELECT " + columns + " FROM " + table + " WHERE " + filter + " ORDER BY id";
    }
}
