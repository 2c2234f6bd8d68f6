package io.syncline.jobs.config;

import java.util.List;

/**
 * The keys every source that connects to a database shares besides Postgres ones ({@code hostname},
 * {@code port}, {@code database}, {@code username}, {@code password}, {@code startup}), and the
 * check that each table names its database or schema.
 */
record DatabaseSourceKeys(
        String hostname,
        int port,
        String database,
        String username,
        String password,
        String startup) {

    private static final List<String> STARTUP_MODES = List.of("initial", "latest");

    static DatabaseSourceKeys bind(ConfigNode node, int defaultPort, String exampleDatabase) {
        String hostname = node.get("hostname").requiredText("db.example.com");
        int port = node.get("port").integer(defaultPort, 1, 65_535);
        String database = node.get("database").requiredText(exampleDatabase);
        String username = node.get("username").requiredText("syncline");
        String password = node.get("password").text("");
        ConfigNode startupNode = node.get("startup");
        String startup = startupNode.text(STARTUP_MODES.get(0));
        if (!STARTUP_MODES.contains(startup)) {
            startupNode.problem(
                    "'"
                            + startup
                            + "' is not a startup mode; use initial (snapshot, then stream) or"
                            + " latest (stream changes from now on)");
        }
        return new DatabaseSourceKeys(hostname, port, database, username, password, startup);
    }

    /**
     * The source's {@code snapshotChunkSize} (Postgres, MySQL and MariaDB sources): rows per chunk
     * of the initial snapshot, {@value SourceConfig#DEFAULT_SNAPSHOT_CHUNK_SIZE} by default.
     */
    static int snapshotChunkSize(ConfigNode source) {
        return source.get("snapshotChunkSize")
                .integer(SourceConfig.DEFAULT_SNAPSHOT_CHUNK_SIZE, 1, 1_000_000);
    }

    /**
     * Reports every entry of {@code tables:} whose {@code table} is not qualified, since the
     * Postgres default schema {@code public} means nothing there.
     *
     * @param qualifier what comes before the dot, e.g. {@code database}
     * @param example a qualified name, e.g. {@code shop.orders}
     */
    static void requireQualifiedTables(ConfigNode source, String qualifier, String example) {
        for (ConfigNode entry : source.get("tables").elements()) {
            ConfigNode tableNode = entry.get("table");
            String table = tableNode.isAbsent() ? null : tableNode.text(null);
            if (table != null && table.indexOf('.') < 0) {
                tableNode.problem(
                        "'"
                                + table
                                + "' names no "
                                + qualifier
                                + "; write "
                                + qualifier
                                + ".table, e.g. "
                                + example);
            }
        }
    }
}
