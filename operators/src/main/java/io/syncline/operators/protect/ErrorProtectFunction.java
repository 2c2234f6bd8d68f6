package io.syncline.operators.protect;

import io.syncline.schema.ErrorRecord;
import java.util.Objects;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Every error on its way to the error topic and table, without plaintext of confidential or
 * restricted fields ({@link ErrorProtection}).
 */
public final class ErrorProtectFunction extends RichMapFunction<ErrorRecord, ErrorRecord> {

    private static final long serialVersionUID = 1L;

    private final ErrorSealer sealer;

    public ErrorProtectFunction(ErrorSealer sealer) {
        this.sealer = Objects.requireNonNull(sealer, "sealer");
    }

    @Override
    public void close() {
        sealer.close();
    }

    @Override
    public ErrorRecord map(ErrorRecord error) {
        return sealer.seal(error);
    }
}
