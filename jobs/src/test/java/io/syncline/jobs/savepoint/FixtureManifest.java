package io.syncline.jobs.savepoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a savepoint fixture holds and how it was made ({@code manifest.json} beside it): the Flink
 * version, Syncline commit and parallelism of the job that took it, the source position it stands
 * at, and the state each stage must hold for it, worked out from the outputs of that job.
 *
 * @param walLsnAtSavepoint the source server's WAL position right after the savepoint: every
 *     position and version in the savepoint is at most this; a server a restored job reads must be
 *     past it
 * @param offsetLsn the position the CDC source's stream split resumes from, as the savepoint holds
 *     it
 * @param controlTopicEndOffset how many commands the control topic held; the savepoint's control
 *     source resumes there
 * @param maxParallelism the key groups of the keyed state: the highest parallelism it can be
 *     restored at
 */
record FixtureManifest(
        String fixture,
        String flinkVersion,
        String synclineCommit,
        String createdAt,
        int parallelism,
        int maxParallelism,
        String savepointFormat,
        String stateBackend,
        String sourceId,
        String sourceDatabase,
        String targetDatabase,
        long walLsnAtSavepoint,
        long offsetLsn,
        long controlTopicEndOffset,
        int ruleSetVersion,
        List<Entity> entities,
        OpenConflict openConflict,
        FiringAlert firingAlert,
        OpenWindow openWindow,
        Map<String, Integer> errorCodes) {

    static final String FILE = "manifest.json";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One entity as resolve holds it.
     *
     * @param seq the row's seq in the source (of its last image, if deleted)
     * @param sourceVersion the source version (LSN) of the entity's last change resolve saw
     * @param appliedVersion the version the targets hold it under
     * @param vectorClock the source's count in the entity's version vector
     * @param eventIds the event ids of its changes in the change topic
     */
    record Entity(
            String key,
            String table,
            long id,
            boolean deleted,
            int seq,
            long sourceVersion,
            long appliedVersion,
            long vectorClock,
            List<String> eventIds) {}

    /** The conflict parked by a replay of an old version of an account, waiting for a decision. */
    record OpenConflict(String conflictId, String entityKey, String replayedEventId) {}

    /** The alert open in the savepoint: it must resolve once the condition clears. */
    record FiringAlert(String alertId, String condition) {}

    /** A quality window that had not closed yet: the savepoint holds what it counted. */
    record OpenWindow(
            long startMillis, long endMillis, String tenant, String entityType, long validated) {}

    /** The entity with {@code key}. */
    Entity entity(String key) {
        return entities.stream()
                .filter(entity -> entity.key().equals(key))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no entity " + key));
    }

    static FixtureManifest read(Path dir) throws IOException {
        return JSON.readValue(dir.resolve(FILE).toFile(), FixtureManifest.class);
    }

    void write(Path dir) throws IOException {
        JSON.writeValue(dir.resolve(FILE).toFile(), this);
    }
}
