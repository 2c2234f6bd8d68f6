package io.syncline.embedded;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What tests use of an embedded database server (PostgreSQL, MariaDB): where it listens, its
 * administrator, and databases to connect to, create and run statements in.
 */
public interface EmbeddedDatabaseServer extends AutoCloseable {

    String host();

    int port();

    /** The administrator's user name. */
    String username();

    /** The administrator's password. */
    String password();

    /** The JDBC URL of {@code database} on this server. */
    String jdbcUrl(String database);

    /** A new auto-commit connection to {@code database} as the administrator. */
    Connection connect(String database) throws SQLException;

    /** Creates database {@code name} unless it already exists. */
    void createDatabase(String name);

    /**
     * Runs statements in order on one auto-commit connection to {@code database}.
     *
     * @throws IllegalStateException wrapping the {@link SQLException} of the failed statement
     */
    void execute(String database, String... sql);
}
