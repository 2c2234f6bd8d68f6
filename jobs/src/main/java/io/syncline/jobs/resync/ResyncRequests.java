package io.syncline.jobs.resync;

import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.jobs.control.ControlTopicPublisher;
import io.syncline.jobs.control.SigningKey;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.operators.resync.ResyncStatus;
import io.syncline.operators.resync.ResyncStatusTable;
import io.syncline.schema.ResyncRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Asks the running sync job to re-read rows from their source: publishes re-sync requests on the
 * control topic and waits for the job to record them served in its status table. Used by {@code
 * syncline resync} and by {@code syncline reconcile --repair}.
 */
public final class ResyncRequests {

    private static final Duration POLL = Duration.ofMillis(500);

    private final SynclineConfig config;
    private final Clock clock;
    private final SigningKey signingKey;

    /** Publishes unsigned requests. */
    public ResyncRequests(SynclineConfig config) {
        this(config, null);
    }

    /**
     * @param signingKey the key requests are signed with, {@code null} to publish them unsigned
     */
    public ResyncRequests(SynclineConfig config, SigningKey signingKey) {
        this(config, Clock.systemUTC(), signingKey);
    }

    ResyncRequests(SynclineConfig config, Clock clock, SigningKey signingKey) {
        this.config = config;
        this.clock = clock;
        this.signingKey = signingKey;
    }

    /**
     * Publishes a request to re-read {@code tenant}'s rows of {@code entityType}: those of {@code
     * ids}, or of the key range, or all of them.
     *
     * @return the request's id
     * @throws IllegalArgumentException naming what is wrong with the request and the fix
     */
    public String request(
            String tenant,
            String entityType,
            List<String> ids,
            String fromKey,
            String toKey,
            String issuedBy) {
        check(tenant, entityType, ids, fromKey, toKey);
        String requestId = "r-" + UUID.randomUUID().toString().substring(0, 8);
        ResyncRequest request =
                ResyncRequest.newBuilder()
                        .setTenant(tenant)
                        .setEntityType(entityType)
                        .setIds(List.copyOf(ids))
                        .setFromKey(fromKey)
                        .setToKey(toKey)
                        .build();
        try (ControlTopicPublisher publisher =
                new ControlTopicPublisher(config.sinks().kafka(), clock, signingKey)) {
            publisher.publishResync(requestId, request, issuedBy);
            publisher.flush();
        }
        return requestId;
    }

    /** The control topic requests go to. */
    public String topic() {
        return config.sinks().kafka().controlTopic();
    }

    /**
     * Waits until the job has served {@code requestId} (its rows are in the targets) or failed it.
     *
     * @param progress called with each new status while it waits
     * @throws TimeoutException if neither happened within {@code timeout}: the job is not running,
     *     or is still reading
     */
    public ResyncStatus await(String requestId, Duration timeout, Consumer<ResyncStatus> progress)
            throws TimeoutException, InterruptedException {
        TargetSettings target = config.sinks().target();
        ResyncStatusTable table = SyncJobFactory.resyncStatusTableOf(config);
        Instant deadline = clock.instant().plus(timeout);
        ResyncStatus last = null;
        while (true) {
            Optional<ResyncStatus> status = read(target, table, requestId);
            if (status.isPresent() && !status.get().equals(last)) {
                last = status.get();
                progress.accept(last);
            }
            if (last != null && last.state() != ResyncStatus.State.READING) {
                return last;
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new TimeoutException(
                        "re-sync "
                                + requestId
                                + (last == null
                                        ? " was not taken by a sync job within "
                                        : " was not served within ")
                                + timeout.toSeconds()
                                + " s; "
                                + (last == null
                                        ? "is the sync job running with this configuration? The"
                                                + " request stays on the control topic and is"
                                                + " served when the job starts"
                                        : "it has read " + last.rowsRead() + " rows so far")
                                + "; see its status in "
                                + table.qualifiedName());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private static Optional<ResyncStatus> read(
            TargetSettings target, ResyncStatusTable table, String requestId) {
        try (Connection connection =
                PostgresConnections.open(target.url(), target.username(), target.password())) {
            return table.find(connection, requestId);
        } catch (SQLException e) {
            // Not there yet (a job that never ran creates the table) or briefly unreachable.
            return Optional.empty();
        }
    }

    private void check(
            String tenant, String entityType, List<String> ids, String fromKey, String toKey) {
        Set<String> entityTypes = new TreeSet<>();
        for (SourceConfig source : config.sources()) {
            for (TableMapping mapping : source.tables()) {
                entityTypes.add(mapping.entityType());
            }
        }
        if (!entityTypes.contains(entityType)) {
            throw new IllegalArgumentException(
                    "entity type '"
                            + entityType
                            + "' is not mapped from any source table in "
                            + config.file()
                            + "; use one of "
                            + entityTypes);
        }
        if (!config.tenants().isEmpty() && !config.tenants().contains(tenant)) {
            throw new IllegalArgumentException(
                    "tenant '"
                            + tenant
                            + "' is not among the configured tenants "
                            + config.tenants()
                            + " of "
                            + config.file());
        }
        if (!ids.isEmpty() && (fromKey != null || toKey != null)) {
            throw new IllegalArgumentException("name ids or a key range (--from/--to), not both");
        }
    }
}
