package io.syncline.operators.protect;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Data keys held in memory, with real random AES-256 keys: for unit tests of the protect stage's
 * logic. The job uses the key table and a key service instead.
 */
final class InMemoryDataKeys implements DataKeys {

    private final SecureRandom random = new SecureRandom();
    private final Map<String, DataKey> keys = new HashMap<>();
    private final Map<String, Integer> currentVersions = new HashMap<>();
    private final Set<String> destroyed = new HashSet<>();

    @Override
    public DataKey current(String tenant) {
        int version = currentVersions.computeIfAbsent(tenant, t -> 1);
        return keys.computeIfAbsent(tenant + ":" + version, k -> newKey(tenant, version));
    }

    /** A new current version of {@code tenant}'s key. */
    DataKey rotate(String tenant) {
        int version = current(tenant).version() + 1;
        currentVersions.put(tenant, version);
        return current(tenant);
    }

    @Override
    public DataKey subjectKey(String tenant, String subjectHash) {
        String keyId = tenant + "~" + subjectHash.substring(0, 16);
        if (destroyed.contains(keyId)) {
            throw new SubjectErasedException("subject key " + keyId + " was destroyed");
        }
        return keys.computeIfAbsent(keyId + ":1", k -> newKey(keyId, 1));
    }

    /** Destroys the subject's key, as an erasure does. */
    void destroySubject(String tenant, String subjectHash) {
        destroySubjectKey(tenant, subjectHash);
    }

    @Override
    public boolean destroySubjectKey(String tenant, String subjectHash) {
        String keyId = tenant + "~" + subjectHash.substring(0, 16);
        destroyed.add(keyId);
        return keys.remove(keyId + ":1") != null;
    }

    @Override
    public String subjectHash(String tenant, String subjectId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(current(tenant).secretKey().getEncoded(), "HmacSHA256"));
            return HexFormat.of()
                    .formatHex(mac.doFinal(subjectId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<DataKey> find(String keyId, int version) {
        return Optional.ofNullable(keys.get(keyId + ":" + version));
    }

    @Override
    public void refresh() {}

    @Override
    public void close() {}

    private DataKey newKey(String keyId, int version) {
        byte[] bytes = new byte[DataKey.KEY_BYTES];
        random.nextBytes(bytes);
        return new DataKey(keyId, version, bytes);
    }
}
