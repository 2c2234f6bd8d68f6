package io.syncline.operators.errors;

import io.syncline.schema.ErrorRecord;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/** Side outputs that carry {@link ErrorRecord}s from every stage to the error queue. */
public final class ErrorOutputs {

    /** Errors of any stage; the job unions them into the error sink. */
    public static final OutputTag<ErrorRecord> ERRORS =
            new OutputTag<>("syncline-errors", new AvroTypeInfo<>(ErrorRecord.class));

    private ErrorOutputs() {}
}
