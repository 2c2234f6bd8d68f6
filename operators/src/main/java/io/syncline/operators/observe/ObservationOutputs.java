package io.syncline.operators.observe;

import io.syncline.schema.Observation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/** The side output every stage puts its {@link Observation}s on. */
public final class ObservationOutputs {

    /** What a stage saw of each change: small records, no payload. */
    public static final OutputTag<Observation> OBSERVATIONS =
            new OutputTag<>("syncline-observations", new AvroTypeInfo<>(Observation.class));

    private ObservationOutputs() {}
}
