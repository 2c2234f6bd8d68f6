package io.syncline.jobs.wiring;

import io.syncline.jobs.config.ChangeSourceConfig;
import io.syncline.jobs.config.SynclineConfig;

/** Builds the Flink source of one source type, decoding into changes or errors. */
public interface ChangeSourceWiring {

    /**
     * The source of {@code source}, whose configured type this wiring is for.
     *
     * @param tables finds the columns and keys of a table the source cannot discover itself
     */
    WiredSource wire(ChangeSourceConfig source, SynclineConfig config, SourceTables tables);
}
