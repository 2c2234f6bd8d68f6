package io.syncline.jobs.ops;

/**
 * An operation on a Flink cluster could not be done: the cluster cannot be reached, the job does
 * not exist, a savepoint or a submission failed. The message names the problem, Flink's own cause
 * where there is one, and what to do.
 */
public class ClusterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
