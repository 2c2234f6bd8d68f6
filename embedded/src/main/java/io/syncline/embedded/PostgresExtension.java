package io.syncline.embedded;

/**
 * JUnit 5 extension giving tests an {@link EmbeddedPostgresServer} that is started once per test
 * JVM, shared by all test classes and stopped when the test run ends.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
 * }</pre>
 */
public final class PostgresExtension extends SharedDatabaseExtension<EmbeddedPostgresServer> {

    public PostgresExtension() {
        super(EmbeddedPostgresServer::start, "PostgreSQL");
    }
}
