package io.syncline.operators.decode.debezium;

import io.syncline.operators.decode.DecodeOutcome;
import java.io.Serializable;
import java.time.Instant;

/**
 * Decodes one Kafka message of a Debezium topic into a change, a rejection or nothing, whatever
 * converter wrote it; never throws for bad input and never returns null.
 */
public interface DebeziumMessageDecoder extends Serializable {

    /**
     * Decodes the message at {@code offset} of {@code topic}'s {@code partition}; {@code now} is
     * the capture time when the message does not carry one.
     */
    DecodeOutcome decode(
            String topic, int partition, long offset, byte[] key, byte[] value, Instant now);
}
