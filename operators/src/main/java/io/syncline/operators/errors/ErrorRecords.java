package io.syncline.operators.errors;

import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Builds {@link ErrorRecord}s with deterministic ids, so a replayed input yields the same error.
 */
public final class ErrorRecords {

    private ErrorRecords() {}

    /** A permanent error: the input needs fixing, retrying it cannot help. */
    public static ErrorRecord.Builder permanent(
            ErrorRecord.Builder builder, String stage, String code, String message) {
        return builder.setStage(stage)
                .setErrorClass(ErrorClass.PERMANENT)
                .setCode(code)
                .setMessage(message);
    }

    /**
     * Completes {@code builder} with its payload and time and an id derived from stage, code,
     * source, position and payload.
     */
    public static ErrorRecord build(ErrorRecord.Builder builder, String payload, Instant time) {
        String identity =
                String.join(
                        "\u0000",
                        builder.getStage(),
                        builder.getCode(),
                        String.valueOf(builder.getSourceId()),
                        String.valueOf(builder.getSourcePosition()),
                        payload);
        return builder.setPayload(payload)
                .setTime(time)
                .setErrorId(
                        UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8))
                                .toString())
                .build();
    }
}
