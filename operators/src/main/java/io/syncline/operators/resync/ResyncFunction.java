package io.syncline.operators.resync;

import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.errors.ErrorRecords;
import io.syncline.operators.read.RowSelection;
import io.syncline.operators.read.SourceTable;
import io.syncline.operators.read.TableReader;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.ResyncRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves re-sync requests from the control topic inside the running sync job, keyed by request:
 * reads the requested rows from their source tables a chunk at a time (one chunk per
 * processing-time timer, so checkpoints and the stream go on between chunks) and sends them into
 * validation as re-read rows; the resolve stage orders them against the streamed changes. The
 * position reached is keyed state, so a restore continues where the last checkpoint was. A request
 * is SERVED in the {@link ResyncStatusTable} once the checkpoint after its last row completes: by
 * then every sink has written the rows.
 */
public final class ResyncFunction extends KeyedProcessFunction<String, ControlCommand, ChangeEvent>
        implements CheckpointedFunction, CheckpointListener {

    /** Stage name in error records. */
    public static final String STAGE = "resync";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ResyncFunction.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofMinutes(1);

    private final ResyncSources sources;

    private transient ValueState<ControlCommand> request;
    private transient ValueState<Integer> tableIndex;
    private transient ValueState<List<String>> lastKey;
    private transient ValueState<Integer> idsDone;
    private transient ValueState<Long> rowsRead;
    private transient ValueState<Long> rowsDeleted;
    private transient ValueState<Integer> failures;
    private transient ValueState<Boolean> done;

    /** Requests whose last row was sent, by the checkpoint after which they are served. */
    private transient TreeMap<Long, List<ResyncStatus>> awaitingCheckpoint;

    private transient List<ResyncStatus> finishedSinceSnapshot;

    /** The requests awaiting their checkpoint, as {@link #encode}d text. */
    private transient ListState<String> awaitingState;

    private transient List<ResyncStatus> servedOnRestore;
    private transient Map<String, Connection> connections;
    private transient Connection statusConnection;
    private transient Counter rowsCounter;
    private transient Counter servedCounter;
    private transient Counter readFailures;

    public ResyncFunction(ResyncSources sources) {
        this.sources = sources;
    }

    @Override
    public void open(Configuration parameters) {
        request =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "request", new AvroTypeInfo<>(ControlCommand.class)));
        tableIndex = getRuntimeContext().getState(new ValueStateDescriptor<>("table", Types.INT));
        lastKey =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "last-key", new ListTypeInfo<>(Types.STRING)));
        idsDone = getRuntimeContext().getState(new ValueStateDescriptor<>("ids-done", Types.INT));
        rowsRead = getRuntimeContext().getState(new ValueStateDescriptor<>("rows", Types.LONG));
        rowsDeleted =
                getRuntimeContext().getState(new ValueStateDescriptor<>("deleted", Types.LONG));
        failures = getRuntimeContext().getState(new ValueStateDescriptor<>("failures", Types.INT));
        done = getRuntimeContext().getState(new ValueStateDescriptor<>("done", Types.BOOLEAN));
        connections = new HashMap<>();
        rowsCounter = getRuntimeContext().getMetricGroup().counter("resyncRowsRead");
        servedCounter = getRuntimeContext().getMetricGroup().counter("resyncRequestsServed");
        readFailures = getRuntimeContext().getMetricGroup().counter("resyncReadFailures");
        for (ResyncStatus status : servedOnRestore) {
            served(status);
        }
        servedOnRestore.clear();
    }

    @Override
    public void processElement(ControlCommand command, Context ctx, Collector<ChangeEvent> out)
            throws Exception {
        if (request.value() != null) {
            // The control topic read again (a fresh start): the request was served before.
            LOG.info("re-sync {} was taken already; ignored", command.getCommandId());
            return;
        }
        request.update(command);
        if (finishedBefore(command)) {
            // Served by an earlier run of the job, whose state this one did not start from.
            LOG.info("re-sync {} was finished by an earlier run; ignored", command.getCommandId());
            done.update(true);
            return;
        }
        ResyncRequest resync = command.getResync();
        String problem = problemOf(resync);
        rowsRead.update(0L);
        rowsDeleted.update(0L);
        if (problem != null) {
            done.update(true);
            ctx.output(ErrorOutputs.ERRORS, error(command, problem));
            record(status(command, ResyncStatus.State.FAILED, problem));
            return;
        }
        tableIndex.update(0);
        idsDone.update(0);
        LOG.info(
                "re-sync {}: reading {} of tenant {}{}",
                command.getCommandId(),
                resync.getEntityType(),
                resync.getTenant(),
                resync.getIds().isEmpty() ? "" : " (" + resync.getIds().size() + " ids)");
        record(status(command, ResyncStatus.State.READING, null));
        ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ChangeEvent> out)
            throws Exception {
        ControlCommand command = request.value();
        if (command == null || Boolean.TRUE.equals(done.value())) {
            return;
        }
        Instant now = Instant.ofEpochMilli(timestamp);
        try {
            boolean more = readNextChunk(command, now, ctx, out);
            failures.clear();
            if (more) {
                // A millisecond on: what waits in the mailbox (barriers, records) goes first.
                ctx.timerService().registerProcessingTimeTimer(timestamp + 1);
            } else {
                done.update(true);
                ResyncStatus finished = status(command, ResyncStatus.State.SERVED, null);
                finishedSinceSnapshot.add(finished);
                LOG.info(
                        "re-sync {}: {} rows read, {} deletes; served at the next checkpoint",
                        command.getCommandId(),
                        finished.rowsRead(),
                        finished.rowsDeleted());
            }
        } catch (SQLException e) {
            readFailures.inc();
            int failed = failures.value() == null ? 1 : failures.value() + 1;
            failures.update(failed);
            Duration wait = backoff(failed);
            String message =
                    "reading the source failed ("
                            + e.getMessage()
                            + "); trying again in "
                            + wait.toSeconds()
                            + " s";
            LOG.warn("re-sync {}: {}", command.getCommandId(), message);
            closeConnections();
            record(status(command, ResyncStatus.State.READING, message));
            ctx.timerService().registerProcessingTimeTimer(timestamp + wait.toMillis());
        }
    }

    /**
     * Reads and sends the next chunk of the request.
     *
     * @return whether there is more to read
     */
    private boolean readNextChunk(
            ControlCommand command, Instant now, Context ctx, Collector<ChangeEvent> out)
            throws Exception {
        ResyncRequest resync = command.getResync();
        List<SourceTable> tables = sources.tables().get(resync.getEntityType());
        if (!resync.getIds().isEmpty()) {
            return readIds(command, tables, now, ctx, out);
        }
        int index = tableIndex.value();
        SourceTable table = tables.get(index);
        TableReader reader = new TableReader(table, command.getCommandId());
        RowSelection selection =
                new RowSelection(
                        resync.getTenant(),
                        null,
                        List.of(),
                        resync.getFromKey(),
                        resync.getToKey());
        List<String> after = lastKey.value();
        TableReader.Chunk chunk =
                reader.read(
                        connectionTo(table),
                        selection,
                        new TableReader.KeyBounds(null, after, null),
                        sources.chunkSize(),
                        Duration.ZERO,
                        now);
        emit(chunk.rows(), ctx, out);
        if (!chunk.isLast(sources.chunkSize())) {
            lastKey.update(chunk.lastKey());
            return true;
        }
        lastKey.clear();
        tableIndex.update(index + 1);
        return index + 1 < tables.size();
    }

    /**
     * Reads the next chunk of requested ids from every table of the entity type; ids none of them
     * holds go as deletes.
     */
    private boolean readIds(
            ControlCommand command,
            List<SourceTable> tables,
            Instant now,
            Context ctx,
            Collector<ChangeEvent> out)
            throws Exception {
        ResyncRequest resync = command.getResync();
        List<String> ids = resync.getIds();
        int from = idsDone.value();
        int to = Math.min(ids.size(), from + sources.chunkSize());
        Set<String> missing = new LinkedHashSet<>(ids.subList(from, to));
        TableReader.Chunk last = null;
        TableReader lastReader = null;
        for (SourceTable table : tables) {
            if (!table.mayHold(resync.getTenant())) {
                continue;
            }
            TableReader reader = new TableReader(table, command.getCommandId());
            TableReader.Chunk chunk =
                    reader.readIds(
                            connectionTo(table),
                            resync.getTenant(),
                            new ArrayList<>(missing),
                            Duration.ZERO,
                            now);
            for (Either<ErrorRecord, ChangeEvent> row : chunk.rows()) {
                if (row.isRight()) {
                    missing.remove(row.right().getEntityId());
                }
            }
            emit(chunk.rows(), ctx, out);
            if (chunk.point() != null) {
                last = chunk;
                lastReader = reader;
            }
        }
        if (lastReader != null && !missing.isEmpty()) {
            List<ChangeEvent> deletes =
                    lastReader.deletesOf(
                            missing, resync.getTenant(), last.point(), Duration.ZERO, now);
            for (ChangeEvent delete : deletes) {
                out.collect(delete);
            }
            rowsDeleted.update(rowsDeleted.value() + deletes.size());
        }
        idsDone.update(to);
        return to < ids.size();
    }

    private void emit(
            List<Either<ErrorRecord, ChangeEvent>> rows, Context ctx, Collector<ChangeEvent> out)
            throws Exception {
        for (Either<ErrorRecord, ChangeEvent> row : rows) {
            if (row.isLeft()) {
                ctx.output(ErrorOutputs.ERRORS, row.left());
            } else {
                out.collect(row.right());
            }
        }
        rowsRead.update(rowsRead.value() + rows.size());
        rowsCounter.inc(rows.size());
    }

    /** Why {@code resync} cannot be served, or null when it can. */
    private String problemOf(ResyncRequest resync) {
        List<SourceTable> tables = sources.tables().get(resync.getEntityType());
        if (tables == null || tables.isEmpty()) {
            return "entity type '"
                    + resync.getEntityType()
                    + "' is not mapped from any source table; use one of "
                    + new TreeSet<>(sources.tables().keySet());
        }
        if (tables.stream().noneMatch(table -> table.mayHold(resync.getTenant()))) {
            return "no source table of entity type '"
                    + resync.getEntityType()
                    + "' holds tenant '"
                    + resync.getTenant()
                    + "'";
        }
        boolean ranged = resync.getFromKey() != null || resync.getToKey() != null;
        if (ranged && !resync.getIds().isEmpty()) {
            return "a re-sync names ids or a key range, not both";
        }
        if (ranged && tables.stream().anyMatch(t -> t.binding().primaryKey().size() > 1)) {
            return "a key range needs a single-column key, but '"
                    + resync.getEntityType()
                    + "' has a composite key; name the ids instead";
        }
        return null;
    }

    private Connection connectionTo(SourceTable table) throws SQLException {
        Connection connection = connections.get(table.sourceId());
        if (connection == null || connection.isClosed()) {
            connection = sources.databases().get(table.sourceId()).connect();
            connections.put(table.sourceId(), connection);
        }
        return connection;
    }

    private static Duration backoff(int failures) {
        long millis = FIRST_RETRY.toMillis() << Math.min(failures - 1, 10);
        return Duration.ofMillis(Math.min(millis, LAST_RETRY.toMillis()));
    }

    private ResyncStatus status(ControlCommand command, ResyncStatus.State state, String message)
            throws Exception {
        ResyncRequest resync = command.getResync();
        return new ResyncStatus(
                requestIdOf(command),
                resync == null ? null : resync.getTenant(),
                resync == null ? null : resync.getEntityType(),
                command.getIssuedBy(),
                command.getIssuedAt(),
                state,
                rowsRead.value() == null ? 0 : rowsRead.value(),
                rowsDeleted.value() == null ? 0 : rowsDeleted.value(),
                message);
    }

    /** The request id: the command id without its {@code resync-} prefix. */
    static String requestIdOf(ControlCommand command) {
        String id = command.getCommandId();
        return id.startsWith("resync-") ? id.substring("resync-".length()) : id;
    }

    private ErrorRecord error(ControlCommand command, String problem) {
        ErrorRecord.Builder builder =
                ErrorRecords.permanent(
                                ErrorRecord.newBuilder(),
                                STAGE,
                                ErrorCodes.CONTROL_COMMAND_INVALID,
                                "re-sync "
                                        + command.getCommandId()
                                        + " cannot be served: "
                                        + problem)
                        .setSourceId("control")
                        .setSourcePosition(command.getCommandId());
        return ErrorRecords.build(
                builder,
                command.getResync().toString(),
                command.getIssuedAt() == null ? Instant.EPOCH : command.getIssuedAt());
    }

    /**
     * Records {@code status} in the status table; a failure is logged, never fatal: the rows go on
     * regardless, and the status only tells {@code syncline resync} how far they are.
     */
    private void record(ResyncStatus status) {
        try {
            sources.statusTable().upsert(statusConnection(), status);
        } catch (SQLException e) {
            LOG.warn(
                    "re-sync {}: cannot record {} in {} at {}: {}",
                    status.requestId(),
                    status.state(),
                    sources.statusTable().qualifiedName(),
                    sources.statusDatabase().dependency(),
                    e.getMessage());
            closeQuietly(statusConnection);
            statusConnection = null;
        }
    }

    /** Whether the status table says an earlier run served or failed the request. */
    private boolean finishedBefore(ControlCommand command) {
        try {
            return sources.statusTable()
                    .find(statusConnection(), requestIdOf(command))
                    .map(status -> status.state() != ResyncStatus.State.READING)
                    .orElse(false);
        } catch (SQLException e) {
            LOG.warn(
                    "re-sync {}: cannot read its status in {} ({}); serving it",
                    command.getCommandId(),
                    sources.statusTable().qualifiedName(),
                    e.getMessage());
            closeQuietly(statusConnection);
            statusConnection = null;
            return false;
        }
    }

    private Connection statusConnection() throws SQLException {
        if (statusConnection == null || statusConnection.isClosed()) {
            statusConnection = sources.statusDatabase().connect();
            statusConnection.setAutoCommit(true);
        }
        return statusConnection;
    }

    private void served(ResyncStatus status) {
        record(status);
        servedCounter.inc();
        LOG.info("re-sync {} served: {} rows", status.requestId(), status.rowsRead());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (!finishedSinceSnapshot.isEmpty()) {
            awaitingCheckpoint
                    .computeIfAbsent(context.getCheckpointId(), id -> new ArrayList<>())
                    .addAll(finishedSinceSnapshot);
            finishedSinceSnapshot.clear();
        }
        List<String> awaiting = new ArrayList<>();
        awaitingCheckpoint.values().forEach(list -> list.forEach(s -> awaiting.add(encode(s))));
        awaitingState.update(awaiting);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        awaitingState =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>("awaiting-checkpoint", Types.STRING));
        awaitingCheckpoint = new TreeMap<>();
        finishedSinceSnapshot = new ArrayList<>();
        servedOnRestore = new ArrayList<>();
        if (context.isRestored()) {
            // They were snapshotted in the checkpoint restored from, which completed.
            for (String status : awaitingState.get()) {
                servedOnRestore.add(decode(status));
            }
            awaitingState.clear();
        }
    }

    /** A served request as operator state keeps it: what the status table's SERVED row needs. */
    private static String encode(ResyncStatus status) {
        return status.rowsRead() + " " + status.rowsDeleted() + " " + status.requestId();
    }

    private static ResyncStatus decode(String text) {
        String[] parts = text.split(" ", 3);
        return new ResyncStatus(
                parts[2],
                null,
                null,
                null,
                null,
                ResyncStatus.State.SERVED,
                Long.parseLong(parts[0]),
                Long.parseLong(parts[1]),
                null);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Map<Long, List<ResyncStatus>> complete = awaitingCheckpoint.headMap(checkpointId, true);
        for (List<ResyncStatus> statuses : complete.values()) {
            statuses.forEach(this::served);
        }
        complete.clear();
    }

    @Override
    public void close() {
        closeConnections();
        closeQuietly(statusConnection);
    }

    private void closeConnections() {
        if (connections != null) {
            connections.values().forEach(ResyncFunction::closeQuietly);
            connections.clear();
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing a connection failed", e);
            }
        }
    }
}
