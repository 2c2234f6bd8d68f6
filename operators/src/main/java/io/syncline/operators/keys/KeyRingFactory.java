package io.syncline.operators.keys;

import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.protect.DataKeysFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Opens a {@link KeyRing} where it is used: what the protect stage ships to its subtasks. It holds
 * how to reach the key table and the key service, never a key.
 *
 * @param table the key table
 * @param database the database holding it (the target), connected like the job's sinks
 * @param service the key service wrapping the tenants' data keys
 * @param refreshInterval how long a ring uses a tenant's current version before it looks again
 */
public record KeyRingFactory(
        KeyTable table, JdbcEndpoint database, KeyServiceSettings service, Duration refreshInterval)
        implements DataKeysFactory {

    private static final long serialVersionUID = 1L;

    public KeyRingFactory {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException(
                    "the refresh interval must be above zero: " + refreshInterval);
        }
    }

    @Override
    public KeyRing open() {
        return open(Clock.systemUTC());
    }

    /** A ring whose refresh interval runs on {@code clock}. */
    public KeyRing open(Clock clock) {
        return new KeyRing(
                table,
                database::connect,
                database.dependency(),
                service.open(),
                refreshInterval,
                clock);
    }
}
