package io.syncline.operators.read;

import io.syncline.operators.jdbc.JdbcEndpoint;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one chunk of the current split per fetch, over one connection per database it reads from,
 * kept open for the reader's life: a backfill holds at most one connection per reader subtask and
 * database, so the readers' parallelism is its connection pool.
 */
final class ChunkSplitReader implements SplitReader<BackfillReader.ReadChunk, TableSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkSplitReader.class);

    private final BackfillRun run;
    private final Clock clock;
    private final Deque<TableSplit> splits = new ArrayDeque<>();
    private final Map<JdbcEndpoint, Connection> connections = new LinkedHashMap<>();

    ChunkSplitReader(BackfillRun run, Clock clock) {
        this.run = run;
        this.clock = clock;
    }

    @Override
    public RecordsWithSplitIds<BackfillReader.ReadChunk> fetch() throws IOException {
        RecordsBySplits.Builder<BackfillReader.ReadChunk> records = new RecordsBySplits.Builder<>();
        TableSplit split = splits.poll();
        if (split == null) {
            return records.build();
        }
        BackfillRun.Table table = run.tables().get(split.table());
        TableReader.Chunk chunk;
        try {
            chunk =
                    new TableReader(table.table(), run.runId())
                            .read(
                                    connection(table.database()),
                                    run.selection(),
                                    split.bounds(),
                                    run.chunkSize(),
                                    run.commitTimeLag(),
                                    clock.instant());
        } catch (SQLException e) {
            // A connection that failed is not used again; the restarted task opens a new one.
            closeQuietly(connections.remove(table.database()));
            throw new IOException(
                    "cannot read "
                            + table.table().binding().qualifiedName()
                            + " at "
                            + table.database().dependency()
                            + " (split "
                            + split.id()
                            + "): "
                            + e.getMessage(),
                    e);
        }
        records.add(split.id(), new BackfillReader.ReadChunk(chunk.rows(), chunk.lastKey()));
        if (chunk.isLast(run.chunkSize())) {
            records.addFinishedSplit(split.id());
        } else {
            splits.addFirst(split.readTo(chunk.lastKey()));
        }
        return records.build();
    }

    private Connection connection(JdbcEndpoint database) throws SQLException {
        Connection connection = connections.get(database);
        if (connection == null) {
            connection = database.connect();
            connections.put(database, connection);
        }
        return connection;
    }

    @Override
    public void handleSplitsChanges(SplitsChange<TableSplit> change) {
        if (change instanceof SplitsAddition<TableSplit> addition) {
            splits.addAll(addition.splits());
        }
    }

    @Override
    public void wakeUp() {
        // A fetch is one bounded query; it ends by itself.
    }

    @Override
    public void close() {
        connections.values().forEach(ChunkSplitReader::closeQuietly);
        connections.clear();
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("Closing a backfill connection", e);
        }
    }
}
