package io.syncline.jobs.wiring;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore from a savepoint is refused, with the way out, when a source's replication slot is
 * gone: streaming on from a new slot would skip every change since the savepoint.
 */
class RestoreCheckITCase {

    private static final String SLOT = "syncline_crm_restore";

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @TempDir Path dir;

    @Test
    void aRestoreWithoutTheSlotFailsLoudlyAndAFreshStartOrAnExistingSlotPasses() throws Exception {
        EmbeddedPostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("src_restore");
        SynclineConfig config = config(postgres);
        Configuration fresh = new Configuration();
        Configuration restoring = new Configuration();
        restoring.set(StateRecoveryOptions.SAVEPOINT_PATH, "file:///savepoints/savepoint-1");

        assertThatCode(() -> RestoreCheck.verify(config, fresh)).doesNotThrowAnyException();
        assertThatThrownBy(() -> RestoreCheck.verify(config, restoring))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "source 'crm_restore': restoring from file:///savepoints/savepoint-1, but"
                                + " replication slot '"
                                + SLOT
                                + "' does not exist in ")
                .hasMessageContaining("docs/runbooks/recreate-slot.md");

        postgres.execute(
                "src_restore",
                "SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
        try {
            assertThatCode(() -> RestoreCheck.verify(config, restoring)).doesNotThrowAnyException();
        } finally {
            postgres.execute("src_restore", "SELECT pg_drop_replication_slot('" + SLOT + "')");
        }
    }

    private SynclineConfig config(EmbeddedPostgresServer postgres) throws Exception {
        Path file = dir.resolve("restore.yaml");
        Files.writeString(
                file,
                """
                sources:
                  - id: crm_restore
                    hostname: %s
                    port: %d
                    database: src_restore
                    username: %s
                    password: %s
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: localhost:9092
                  target:
                    url: jdbc:postgresql://localhost:5432/warehouse
                    username: syncline
                """
                        .formatted(
                                postgres.host(),
                                postgres.port(),
                                postgres.username(),
                                postgres.password()));
        return ConfigLoader.load(file);
    }
}
