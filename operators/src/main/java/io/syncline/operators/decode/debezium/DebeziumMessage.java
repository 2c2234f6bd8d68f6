package io.syncline.operators.decode.debezium;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * The Kafka message being decoded, for error records.
 *
 * @param payload the message as text for an error record's payload, made only when one is needed
 * @param now the capture time when the message carries none
 */
record DebeziumMessage(
        String topic, int partition, long offset, Supplier<String> payload, Instant now) {

    String describe() {
        return "message " + place();
    }

    /** {@code topic-partition@offset}: an error's position when the change's own is unknown. */
    String place() {
        return topic + "-" + partition + "@" + offset;
    }
}
