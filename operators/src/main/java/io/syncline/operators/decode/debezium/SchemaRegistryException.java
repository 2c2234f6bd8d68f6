package io.syncline.operators.decode.debezium;

/**
 * The schema registry could not be asked: unreachable or failing after every retry, or refusing
 * Syncline's credentials. Not a fault of any message, so it fails the job, which Flink restarts.
 */
public final class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SchemaRegistryException(String message) {
        super(message);
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
