package io.syncline.embedded;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving tests an {@link EmbeddedMariaDbServer} (MariaDB with its binary log on
 * for CDC) that is started once per test JVM, shared by all test classes and stopped when the test
 * run ends.
 *
 * <pre>{@code
 * @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();
 * }</pre>
 */
public final class MariaDbExtension implements BeforeAllCallback, BeforeEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(MariaDbExtension.class);

    private volatile EmbeddedMariaDbServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = shared(context);
    }

    // Also covers registration on an instance field, where beforeAll is not called.
    @Override
    public void beforeEach(ExtensionContext context) {
        if (server == null) {
            server = shared(context);
        }
    }

    private static EmbeddedMariaDbServer shared(ExtensionContext context) {
        // The root store lives for the whole run and closes its resources at the end.
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        "server", key -> new Shared(EmbeddedMariaDbServer.start()), Shared.class)
                .server();
    }

    /**
     * The running server.
     *
     * @throws IllegalStateException before the extension ran, e.g. from a static initializer
     */
    public EmbeddedMariaDbServer server() {
        EmbeddedMariaDbServer s = server;
        if (s == null) {
            throw new IllegalStateException(
                    "MariaDB not started yet: register the extension with @RegisterExtension"
                            + " on a static field and use it from tests or @BeforeAll");
        }
        return s;
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

    public String replicationUsername() {
        return server().replicationUsername();
    }

    public String replicationPassword() {
        return server().replicationPassword();
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

    private record Shared(EmbeddedMariaDbServer server)
            implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            server.close();
        }
    }
}
