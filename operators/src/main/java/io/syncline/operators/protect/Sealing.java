package io.syncline.operators.protect;

import io.syncline.schema.FieldValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Seals a masked field's value where Syncline keeps a change for later (the change of an error
 * record, to be replayed): the whole {@link FieldValue}, kind and value, is encrypted, so a replay
 * gets back exactly what was rejected while the error topic and table hold no plaintext. Sealed
 * values use the field's context with a {@code sealed:} prefix, so a sealed value and a value the
 * protect stage encrypted for the targets can never be taken for each other.
 */
public final class Sealing {

    private static final String SEALED = "sealed:";

    private static final SpecificDatumWriter<FieldValue> WRITER =
            new SpecificDatumWriter<>(FieldValue.class);
    private static final SpecificDatumReader<FieldValue> READER =
            new SpecificDatumReader<>(FieldValue.class);

    private final FieldCipher cipher;

    public Sealing(FieldCipher cipher) {
        this.cipher = cipher;
    }

    /** {@code value} of {@code context}'s field, sealed under {@code key}: a STRING value. */
    public FieldValue seal(FieldValue value, FieldContext context, DataKey key) {
        String plaintext = Base64.getEncoder().encodeToString(bytesOf(value));
        return new FieldValue(
                io.syncline.schema.FieldKind.STRING,
                cipher.encrypt(plaintext, sealedContext(context), key));
    }

    /**
     * The value {@code sealed} was sealed from.
     *
     * @throws FieldDecryptionException if it is not a sealed value of this field or its key is gone
     */
    public FieldValue unseal(String sealed, FieldContext context, FieldCipher.KeyLookup keys) {
        String plaintext = cipher.decrypt(sealed, sealedContext(context), keys);
        return valueOf(Base64.getDecoder().decode(plaintext));
    }

    private static FieldContext sealedContext(FieldContext context) {
        return new FieldContext(context.tenant(), context.entityType(), SEALED + context.field());
    }

    private static byte[] bytesOf(FieldValue value) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            WRITER.write(value, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FieldValue valueOf(byte[] bytes) {
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
            return READER.read(null, decoder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
