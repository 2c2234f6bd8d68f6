package org.apache.flink.cdc.connectors.mysql.source;

import java.io.Serializable;
import org.apache.flink.cdc.connectors.mysql.source.config.MySqlSourceConfig;
import org.apache.flink.cdc.connectors.mysql.source.metrics.MySqlSourceReaderMetrics;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlSplitState;
import org.apache.flink.cdc.connectors.mysql.source.split.SourceRecords;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/**
 * Syncline's way to a {@link MySqlSource} with a record emitter of its own: Flink CDC 3.2.0 has the
 * constructor that takes one, but package-private, so this class sits in its package (the user jar
 * holds both, so they share a class loader).
 */
public final class MySqlSourceWithEmitter {

    private MySqlSourceWithEmitter() {}

    /** Makes the record emitter of each reader. */
    @FunctionalInterface
    public interface Emitters<T> extends Serializable {

        RecordEmitter<SourceRecords, T, MySqlSplitState> create(
                MySqlSourceReaderMetrics metrics, MySqlSourceConfig config);
    }

    /** {@code source} (as its builder made it) with {@code emitters}' record emitters. */
    public static <T> MySqlSource<T> of(
            MySqlSource<T> source,
            DebeziumDeserializationSchema<T> deserializer,
            Emitters<T> emitters) {
        return new MySqlSource<>(source.getConfigFactory(), deserializer, emitters::create);
    }
}
