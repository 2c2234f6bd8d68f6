package io.syncline.jobs.wiring;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a source's write-ahead log stood and what its clock said at that moment, read together when
 * the job is built: snapshot reads, which carry neither, take them as version and commit time.
 *
 * @param lsn the WAL position (LSN) as a number
 * @param serverTime the database server's clock at that position
 */
public record WalPosition(long lsn, Instant serverTime) {

    public WalPosition {
        Objects.requireNonNull(serverTime, "serverTime");
    }
}
