package io.syncline.jobs.demo;

import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.KeyRings;
import io.syncline.operators.keys.Pkcs12Settings;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What {@code syncline keys init} does for a real deployment, done by the demo for itself: a
 * keystore with a new key-encryption key in the demo's work directory, and the key table.
 */
final class DemoKeys {

    private DemoKeys() {}

    static void init(SynclineConfig config) throws SQLException {
        if (config.security().keys() == null) {
            return;
        }
        if (config.security().keys().keyService() instanceof Pkcs12Settings pkcs12) {
            pkcs12.createIfMissing();
        }
        try (Connection connection = KeyRings.database(config).connect()) {
            KeyRings.table(config).create(connection);
        }
    }
}
