package io.syncline.benchmarks.jmh;

import io.syncline.benchmarks.SampleChanges;
import io.syncline.operators.protect.Classification;
import io.syncline.operators.protect.DataClass;
import io.syncline.operators.protect.DataKey;
import io.syncline.operators.protect.DataKeys;
import io.syncline.operators.protect.EntityProtection;
import io.syncline.operators.protect.FieldCipher;
import io.syncline.operators.protect.FieldEncryption;
import io.syncline.operators.protect.FieldProtection;
import io.syncline.schema.ChangeEvent;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The protect stage's per-change work with a tenant key already at hand (as the key ring caches
 * it): an update of a customer with {@code email} and {@code notes} encrypted in both row images,
 * four AES-256-GCM encryptions, against the copy of the change and its images the stage makes
 * anyway.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FieldEncryptionBenchmark {

    private FieldEncryption encryption;
    private DataKeys keys;
    private ChangeEvent change;

    @Setup
    public void setUp() {
        FieldProtection encrypted = new FieldProtection(DataClass.CONFIDENTIAL, true);
        Classification classification =
                new Classification(
                        Map.of(
                                "customer",
                                new EntityProtection(
                                        Map.of("email", encrypted, "notes", encrypted),
                                        null,
                                        false)));
        encryption = new FieldEncryption(classification, new FieldCipher());
        // An update: both images hold the two fields.
        change = SampleChanges.customer(4711);
        byte[] key = new byte[DataKey.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        keys = new CachedTenantKey(new DataKey(change.getTenant(), 1, key));
    }

    @Benchmark
    public ChangeEvent encryptTwoFields() {
        return encryption.encrypt(change, null, keys);
    }

    @Benchmark
    public ChangeEvent copyChange() {
        ChangeEvent.Builder copy = ChangeEvent.newBuilder(change);
        copy.setBefore(new LinkedHashMap<>(change.getBefore()));
        copy.setAfter(new LinkedHashMap<>(change.getAfter()));
        return copy.build();
    }

    /**
     * One tenant's key, as the key ring hands out a cached current version: the key table and key
     * service are no part of the per-change cost measured here.
     */
    private static final class CachedTenantKey implements DataKeys {

        private final DataKey key;

        CachedTenantKey(DataKey key) {
            this.key = key;
        }

        @Override
        public DataKey current(String tenant) {
            return key;
        }

        @Override
        public Optional<DataKey> find(String keyId, int version) {
            return key.keyId().equals(keyId) && key.version() == version
                    ? Optional.of(key)
                    : Optional.empty();
        }

        @Override
        public DataKey subjectKey(String tenant, String subjectHash) {
            throw new UnsupportedOperationException("the benchmark encrypts under tenant keys");
        }

        @Override
        public String subjectHash(String tenant, String subjectId) {
            throw new UnsupportedOperationException("the benchmark encrypts under tenant keys");
        }

        @Override
        public boolean destroySubjectKey(String tenant, String subjectHash) {
            throw new UnsupportedOperationException("the benchmark destroys no key");
        }

        @Override
        public void refresh() {}

        @Override
        public void close() {}
    }
}
