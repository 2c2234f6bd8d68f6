package io.syncline.operators.protect;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gives a replayed change back the values {@link ErrorProtection} sealed in its error record. A
 * value encrypted by the protect stage (an error the targets refused) is not sealed and stays as it
 * is.
 */
public final class ReplayUnsealing {

    private final Classification classification;
    private final Sealing sealing;

    public ReplayUnsealing(Classification classification, FieldCipher cipher) {
        this.classification = classification;
        this.sealing = new Sealing(cipher);
    }

    /**
     * {@code change} with its sealed values unsealed; empty if a sealed value's key is gone (the
     * subject was erased, so the replay must not bring its data back).
     */
    public Optional<ChangeEvent> unseal(ChangeEvent change, FieldCipher.KeyLookup keys) {
        Set<String> masked = classification.of(change.getEntityType()).masked();
        if (masked.isEmpty()) {
            return Optional.of(change);
        }
        try {
            ChangeEvent.Builder unsealed = ChangeEvent.newBuilder(change);
            unsealed.setBefore(unseal(change, change.getBefore(), masked, keys));
            unsealed.setAfter(unseal(change, change.getAfter(), masked, keys));
            return Optional.of(unsealed.build());
        } catch (KeyGone e) {
            return Optional.empty();
        }
    }

    private Map<String, FieldValue> unseal(
            ChangeEvent change,
            Map<String, FieldValue> image,
            Set<String> masked,
            FieldCipher.KeyLookup keys) {
        if (image == null) {
            return null;
        }
        Map<String, FieldValue> result = new LinkedHashMap<>(image);
        for (String field : masked) {
            FieldValue value = image.get(field);
            if (value == null || !(value.getValue() instanceof CharSequence text)) {
                continue;
            }
            Optional<FieldCipher.KeyRef> ref = FieldCipher.keyRefOf(text.toString());
            if (ref.isEmpty()) {
                continue;
            }
            if (keys.find(ref.get().keyId(), ref.get().version()).isEmpty()) {
                throw new KeyGone();
            }
            FieldContext context =
                    new FieldContext(change.getTenant(), change.getEntityType(), field);
            try {
                result.put(field, sealing.unseal(text.toString(), context, keys));
            } catch (FieldDecryptionException notSealed) {
                // Encrypted by the protect stage for the targets, not sealed: it stays encrypted.
            }
        }
        return result;
    }

    /** A sealed value whose key was destroyed. */
    private static final class KeyGone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeyGone() {
            super(null, null, false, false);
        }
    }
}
