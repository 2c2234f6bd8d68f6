package io.syncline.embedded;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The JUnit 5 plumbing of an extension whose server is started once per test JVM, shared by all
 * test classes and closed when the test run ends.
 *
 * @param <S> the server
 */
public abstract class SharedServerExtension<S extends AutoCloseable>
        implements BeforeAllCallback, BeforeEachCallback {

    private final ExtensionContext.Namespace namespace;
    private final Supplier<S> start;
    private final String name;
    private volatile S server;

    /**
     * @param start starts the server, the first time a test needs it
     * @param name the server's name in the message when it is used too early
     */
    SharedServerExtension(Supplier<S> start, String name) {
        this.namespace = ExtensionContext.Namespace.create(getClass());
        this.start = start;
        this.name = name;
    }

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

    @SuppressWarnings("unchecked")
    private S shared(ExtensionContext context) {
        // The root store lives for the whole run and closes its resources at the end.
        return ((Shared<S>)
                        context.getRoot()
                                .getStore(namespace)
                                .getOrComputeIfAbsent(
                                        "server", key -> new Shared<>(start.get()), Shared.class))
                .server();
    }

    /**
     * The running server.
     *
     * @throws IllegalStateException before the extension ran, e.g. from a static initializer
     */
    public S server() {
        S s = server;
        if (s == null) {
            throw new IllegalStateException(
                    name
                            + " not started yet: register the extension with @RegisterExtension"
                            + " on a static field and use it from tests or @BeforeAll");
        }
        return s;
    }

    private record Shared<S extends AutoCloseable>(S server)
            implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Exception {
            server.close();
        }
    }
}
