package io.syncline.embedded;

/**
 * JUnit 5 extension giving tests an {@link EmbeddedMariaDbServer} (MariaDB with its binary log on
 * for CDC) that is started once per test JVM, shared by all test classes and stopped when the test
 * run ends.
 *
 * <pre>{@code
 * @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();
 * }</pre>
 */
public final class MariaDbExtension extends SharedDatabaseExtension<EmbeddedMariaDbServer> {

    public MariaDbExtension() {
        super(EmbeddedMariaDbServer::start, "MariaDB");
    }

    public String replicationUsername() {
        return server().replicationUsername();
    }

    public String replicationPassword() {
        return server().replicationPassword();
    }
}
