package io.syncline.operators.quality.readback;

import io.syncline.schema.ChangeEvent;
import org.apache.flink.api.common.functions.FilterFunction;

/**
 * Picks the delivered changes whose target rows are read back, from a hash of the change's entity
 * and version, so every run, replay and parallel instance picks the same ones. Chain it as a filter
 * before the key-by so that changes that are not sampled never cross the network.
 */
public final class ReadBackSampling implements FilterFunction<ChangeEvent> {

    private static final long serialVersionUID = 1L;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /** The top 53 bits of the hash, read as a fraction of 1, are below the rate this often. */
    private static final double FRACTION_BITS = 0x1.0p53;

    private final double sampleRate;
    private final long threshold;

    /**
     * @param sampleRate share of changes sampled: 0 samples none, 1 every change
     * @throws IllegalArgumentException if the rate is not between 0 and 1
     */
    public ReadBackSampling(double sampleRate) {
        this.sampleRate = requireRate(sampleRate);
        this.threshold = (long) Math.ceil(sampleRate * FRACTION_BITS);
    }

    static double requireRate(double sampleRate) {
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException(
                    "the read-back sample rate must be between 0 (off) and 1 (every change), was "
                            + sampleRate);
        }
        return sampleRate;
    }

    public double sampleRate() {
        return sampleRate;
    }

    /** Whether the target row {@code change} wrote is read back. */
    public boolean sampled(ChangeEvent change) {
        long hash = FNV_OFFSET;
        hash = mix(hash, change.getTenant());
        hash = mix(hash, change.getEntityType());
        hash = mix(hash, change.getEntityId());
        hash = finish(hash ^ finish(change.getVersion()));
        return (hash >>> 11) < threshold;
    }

    @Override
    public boolean filter(ChangeEvent change) {
        return sampled(change);
    }

    /** FNV-1a over the characters, then the length, so that "ab","c" and "a","bc" differ. */
    private static long mix(long hash, String text) {
        for (int i = 0; i < text.length(); i++) {
            hash = (hash ^ text.charAt(i)) * FNV_PRIME;
        }
        return (hash ^ text.length()) * FNV_PRIME;
    }

    /** MurmurHash3's finalizer: spreads every input bit over all output bits. */
    private static long finish(long hash) {
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        hash ^= hash >>> 33;
        return hash;
    }
}
