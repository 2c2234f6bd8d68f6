package io.syncline.jobs.wiring;

import io.syncline.jobs.SyncJob;
import java.util.List;

/**
 * A source of a type other than {@code postgres}, ready for the job: its Flink source, and its
 * tables with the columns and keys their target tables are made of.
 */
public record WiredSource(SyncJob.ChangeSource source, List<DiscoveredTable> tables) {

    public WiredSource {
        tables = List.copyOf(tables);
    }
}
