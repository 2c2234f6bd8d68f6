package io.syncline.operators.read;

import io.syncline.operators.jdbc.JdbcEndpoint;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a backfill reads and how: the tables with the database each is in, the rows chosen, and the
 * sizes of its reads.
 *
 * @param runId the run's id: the {@code resync} mark of every row read and part of its event id
 * @param tables the tables read
 * @param selection the rows of each table read (tenant, SQL condition)
 * @param chunkSize rows per query; each query is one snapshot of its own
 * @param rowsPerSplit rows per key range; a reader reads one range at a time
 * @param commitTimeLag how far before its read time a row's commit time is set, see {@link
 *     TableReader}
 */
public record BackfillRun(
        String runId,
        List<Table> tables,
        RowSelection selection,
        int chunkSize,
        long rowsPerSplit,
        Duration commitTimeLag)
        implements Serializable {

    /** A table and the database it is read from. */
    public record Table(SourceTable table, JdbcEndpoint database) implements Serializable {

        public Table {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(database, "database");
        }
    }

    public BackfillRun {
        Objects.requireNonNull(runId, "runId");
        tables = List.copyOf(tables);
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(commitTimeLag, "commitTimeLag");
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1, was " + chunkSize);
        }
        if (rowsPerSplit < 1) {
            throw new IllegalArgumentException(
                    "rowsPerSplit must be at least 1, was " + rowsPerSplit);
        }
    }
}
