package io.syncline.jobs.config;

import io.syncline.operators.control.ControlAuth;
import io.syncline.operators.control.ControlSigner;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may send control commands: the keys commands are signed with, each with its role, and whether
 * unsigned commands are refused.
 *
 * @param signers the signing keys by name, in file order; empty when commands are not signed
 * @param requireSigned whether unsigned commands are refused; true by default when there are
 *     signers
 */
public record ControlAuthSettings(Map<String, ControlSigner> signers, boolean requireSigned) {

    public ControlAuthSettings {
        Objects.requireNonNull(signers, "signers");
        signers = Collections.unmodifiableMap(new LinkedHashMap<>(signers));
    }

    /** No signers: control commands are not authenticated. */
    public static ControlAuthSettings none() {
        return new ControlAuthSettings(Map.of(), false);
    }

    /** Whether the job checks commands at all. */
    public boolean authenticates() {
        return !signers.isEmpty();
    }

    /** The signer named {@code name}, if configured. */
    public Optional<ControlSigner> signer(String name) {
        return Optional.ofNullable(signers.get(name));
    }

    /** What the control reader checks records with. */
    public ControlAuth auth() {
        return new ControlAuth(signers.values(), requireSigned);
    }
}
