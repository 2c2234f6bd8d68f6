package io.syncline.embedded;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * JUnit 5 extension giving tests an {@link EmbeddedPostgresServer} that is started once per test
 * JVM, shared by all test classes and stopped when the test run ends.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
 * }</pre>
 */
public final class PostgresExtension extends SharedServerExtension<EmbeddedPostgresServer> {

    public PostgresExtension() {
        super(EmbeddedPostgresServer::start, "PostgreSQL");
    }

    public String host() {
        return server().host();
    }

    public int port() {
        return server().port();
    }

    public String username() {
        return server().username();
    }

    public String password() {
        return server().password();
    }

    public String jdbcUrl(String database) {
        return server().jdbcUrl(database);
    }

    public Connection connect(String database) throws SQLException {
        return server().connect(database);
    }

    public void createDatabase(String name) {
        server().createDatabase(name);
    }

    public void execute(String database, String... sql) {
        server().execute(database, sql);
    }
}
