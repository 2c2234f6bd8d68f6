package io.syncline.operators.quality.readback;

import io.syncline.operators.jdbc.PostgresConnections;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How delivered changes are read back from the target database to measure consistency.
 *
 * @param url JDBC URL of the target database
 * @param username user to read the target tables as; {@code null} to leave it to the URL
 * @param password that user's password; {@code null} for none
 * @param sampleRate share of delivered changes read back: 0 turns read-back off, 1 reads back every
 *     change
 * @param delay how long after its commit time (in event time) a change is read back; longer than
 *     the target sink's batch interval, so the row has been written by then
 * @param maxPending samples that may wait for their read-back per tenant and entity type; more are
 *     skipped
 */
public record ReadBackSettings(
        String url,
        String username,
        String password,
        double sampleRate,
        Duration delay,
        int maxPending)
        implements Serializable {

    public ReadBackSettings {
        Objects.requireNonNull(url, "read-back url");
        Objects.requireNonNull(delay, "read-back delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException(
                    "the read-back delay must not be negative: " + delay);
        }
        if (maxPending < 1) {
            throw new IllegalArgumentException(
                    "the read-back maxPending must be at least 1, was " + maxPending);
        }
        ReadBackSampling.requireRate(sampleRate);
    }

    /** The filter that picks the changes to read back. */
    public ReadBackSampling sampling() {
        return new ReadBackSampling(sampleRate);
    }

    /** The URL without its parameters, which may hold a password: for logs. */
    public String urlForLogs() {
        return PostgresConnections.withoutParameters(url);
    }

    @Override
    public String toString() {
        return "ReadBackSettings[url="
                + urlForLogs()
                + ", username="
                + username
                + ", sampleRate="
                + sampleRate
                + ", delay="
                + delay
                + ", maxPending="
                + maxPending
                + "]";
    }
}
