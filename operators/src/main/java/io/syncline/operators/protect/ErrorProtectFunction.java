package io.syncline.operators.protect;

import io.syncline.schema.ErrorRecord;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Every error on its way to the error topic and table, without plaintext of confidential or
 * restricted fields ({@link ErrorProtection}).
 */
public final class ErrorProtectFunction extends RichMapFunction<ErrorRecord, ErrorRecord> {

    private static final long serialVersionUID = 1L;

    private final Classification classification;
    private final DataKeysFactory keysFactory;

    private transient ErrorProtection protection;
    private transient DataKeys keys;

    /**
     * @param keysFactory the keys to seal with; {@code null} masks changes' values instead
     */
    public ErrorProtectFunction(Classification classification, DataKeysFactory keysFactory) {
        this.classification = Objects.requireNonNull(classification, "classification");
        this.keysFactory = keysFactory;
    }

    @Override
    public void open(OpenContext openContext) {
        protection = new ErrorProtection(classification, new FieldCipher());
        keys = keysFactory == null ? null : keysFactory.open();
    }

    @Override
    public void close() {
        if (keys != null) {
            keys.close();
        }
    }

    @Override
    public ErrorRecord map(ErrorRecord error) {
        return protection.protect(error, keys);
    }
}
