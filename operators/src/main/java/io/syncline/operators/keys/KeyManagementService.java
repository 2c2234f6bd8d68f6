package io.syncline.operators.keys;

/**
 * Wraps and unwraps data keys with a key-encryption key (KEK) that never leaves the service: a
 * local PKCS12 keystore, or a cloud key vault. Only wrapped data keys are stored, so the key table
 * alone decrypts nothing.
 */
public interface KeyManagementService extends AutoCloseable {

    /**
     * {@code dataKey} wrapped under the current version of the KEK.
     *
     * @throws KeyServiceException naming the service and the fix when it cannot be reached or
     *     refuses
     */
    WrappedKey wrap(byte[] dataKey);

    /**
     * The data key {@code wrapped} holds.
     *
     * @throws KeyServiceException naming the service and the fix when the key was wrapped by
     *     another KEK, fails authentication, or the service cannot be reached or refuses
     */
    byte[] unwrap(WrappedKey wrapped);

    /** The service and its KEK as messages name them, e.g. {@code PKCS12 keystore /etc/k.p12}. */
    String description();

    @Override
    void close();
}
