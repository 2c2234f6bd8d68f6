package io.syncline.operators.protect;

/**
 * The data keys field encryption uses, as the protect stage sees them: each tenant's current key
 * (created on first use), every version still held (so old values stay readable), per-subject keys
 * for crypto-shredding, and the keyed hash that names a subject without its id. Implementations
 * cache what they read and are used by one thread.
 */
public interface DataKeys extends FieldCipher.KeyLookup, AutoCloseable {

    /** {@code tenant}'s current data key version; created (version 1) if the tenant has none. */
    DataKey current(String tenant);

    /**
     * The data key of one subject of {@code tenant}, named by its {@link #subjectHash}; created if
     * the subject has none.
     *
     * @throws SubjectErasedException if the subject was erased: its key is destroyed for good
     */
    DataKey subjectKey(String tenant, String subjectHash);

    /**
     * The keyed hash (HMAC-SHA256 under a key of the tenant, hex) that names subject {@code
     * subjectId} of {@code tenant} in erasure requests, audit records and key ids, so none of them
     * holds the id itself. The same for the CLI and the job.
     */
    String subjectHash(String tenant, String subjectId);

    /**
     * Destroys the key of subject {@code subjectHash} of {@code tenant} for good
     * (crypto-shredding): every value encrypted under it becomes unreadable, wherever a copy is
     * kept, and no key is made for the subject again.
     *
     * @return whether the subject had a key to destroy
     */
    boolean destroySubjectKey(String tenant, String subjectHash);

    /**
     * Forgets cached current versions (and cached subject keys), so the next {@link #current} reads
     * the key table again: how a rotation announced on the control topic takes effect at once, and
     * a subject key destroyed elsewhere stops being used.
     */
    void refresh();

    @Override
    void close();
}
