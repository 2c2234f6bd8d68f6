package io.syncline.jobs.config;

import java.time.Duration;

/**
 * How {@code syncline backfill} reads: the sizes of its reads, its parallelism and its connections.
 *
 * @param chunkSize rows per query; each query reads in a read-only snapshot of its own
 * @param rowsPerSplit rows per primary-key range; readers take one range at a time, so more ranges
 *     than readers keep every reader busy to the end
 * @param parallelism parallelism of the job, its readers too: each reader subtask holds one
 *     connection to each source database it reads, so this is also the size of the backfill's
 *     connection pool per source database (plus one connection per table while it is split)
 * @param commitTimeLag how far before its read time a row's commit time is set: a streamed change
 *     committed later than that wins over the backfilled row in the targets' version guard, one
 *     committed earlier was visible to the read; the lag covers commits timestamped before the
 *     snapshot that became visible only after it
 */
public record BackfillSettings(
        int chunkSize, int rowsPerSplit, int parallelism, Duration commitTimeLag) {

    /** These settings with command-line overrides; null keeps the setting. */
    public BackfillSettings with(Integer chunkSize, Integer rowsPerSplit, Integer parallelism) {
        return new BackfillSettings(
                chunkSize != null ? chunkSize : this.chunkSize,
                rowsPerSplit != null ? rowsPerSplit : this.rowsPerSplit,
                parallelism != null ? parallelism : this.parallelism,
                commitTimeLag);
    }
}
