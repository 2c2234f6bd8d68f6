package io.syncline.embedded;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving tests an {@link EmbeddedKafkaBroker} that is started once per test JVM,
 * shared by all test classes and stopped when the test run ends.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
 * }</pre>
 */
public final class KafkaExtension implements BeforeAllCallback, BeforeEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaExtension.class);

    private volatile EmbeddedKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = shared(context);
    }

    // Also covers registration on an instance field, where beforeAll is not called.
    @Override
    public void beforeEach(ExtensionContext context) {
        if (broker == null) {
            broker = shared(context);
        }
    }

    private static EmbeddedKafkaBroker shared(ExtensionContext context) {
        // The root store lives for the whole run and closes its resources at the end.
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        "broker", key -> new Shared(EmbeddedKafkaBroker.start()), Shared.class)
                .broker();
    }

    /**
     * The running broker.
     *
     * @throws IllegalStateException before the extension ran, e.g. from a static initializer
     */
    public EmbeddedKafkaBroker server() {
        EmbeddedKafkaBroker b = broker;
        if (b == null) {
            throw new IllegalStateException(
                    "Kafka not started yet: register the extension with @RegisterExtension"
                            + " on a static field and use it from tests or @BeforeAll");
        }
        return b;
    }

    public String bootstrapServers() {
        return server().bootstrapServers();
    }

    public void createTopic(String name, int partitions) {
        server().createTopic(name, partitions);
    }

    private record Shared(EmbeddedKafkaBroker broker)
            implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            broker.close();
        }
    }
}
