package io.syncline.operators.control;

import java.io.Serializable;
import java.security.PublicKey;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A key that may sign control commands: its name (in the records' {@value
 * ControlSignatures#SIGNER_HEADER} header), its role and its public key. The job holds public keys
 * only, so it can check commands but not forge them.
 *
 * @param name the signer's name, letters, digits, '.', '_' and '-'
 * @param role what the key may send
 * @param publicKey the Ed25519 key its signatures verify with
 */
public record ControlSigner(String name, ControlRole role, PublicKey publicKey)
        implements Serializable {

    /** What a signer's name may consist of: it travels in a header and is a YAML key. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public ControlSigner {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(publicKey, "publicKey");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "signer name '"
                            + name
                            + "' may hold letters, digits, '.', '_' and '-' only, at most 64");
        }
    }
}
