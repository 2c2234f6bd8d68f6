package io.syncline.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Fixed ports (the demo) and clean shutdown, on servers of their own. */
class EmbeddedServersLifecycleTest {

    @Test
    void postgresOnFixedPortStopsCompletely() throws Exception {
        int port = Local.freePort();
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(port);
        Path dataDirectory = server.dataDirectory();
        OptionalLong pid;
        try {
            assertThat(server.port()).isEqualTo(port);
            assertThat(dataDirectory)
                    .startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
            try (Connection c = server.connect("postgres")) {
                assertThat(c.isValid(5)).isTrue();
            }
            pid = server.postmasterPid();
            assertThat(pid).isPresent();
            assertThat(Local.isRunning(pid.getAsLong())).as("postmaster running").isTrue();
        } finally {
            server.close();
        }
        server.close(); // idempotent

        assertThat(Local.isRunning(pid.getAsLong())).as("postmaster running").isFalse();
        assertThat(dataDirectory).doesNotExist();
        assertThat(canBind(port)).isTrue();
    }

    @Test
    void kafkaOnFixedPortReleasesPortsAndFiles() throws Exception {
        int port = Local.freePort();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(port);
        Path logDirectory = broker.logDirectory();
        int controllerPort = broker.controllerPort();
        try {
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThat(Files.exists(logDirectory.resolve("meta.properties"))).isTrue();
            broker.createTopic("fixed-port-topic", 1);
        } finally {
            broker.close();
        }
        broker.close(); // idempotent

        assertThat(logDirectory).doesNotExist();
        assertThat(canBind(port)).isTrue();
        assertThat(canBind(controllerPort)).isTrue();
    }

    @Test
    void fixedPortInUseIsReported() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedPostgresServer.start(port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + port);
            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + port);
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
