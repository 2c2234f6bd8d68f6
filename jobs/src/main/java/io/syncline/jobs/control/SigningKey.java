package io.syncline.jobs.control;

import io.syncline.jobs.config.ControlAuthSettings;
import io.syncline.operators.control.CommandRoles;
import io.syncline.operators.control.ControlRole;
import io.syncline.operators.control.ControlSignatures;
import io.syncline.operators.control.ControlSigner;
import io.syncline.schema.ControlCommandType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The private key the command line signs control commands with, and the signer it belongs to. It
 * never leaves the machine it is used on: the job holds the public half.
 *
 * @param signer the signer's name, sent in every signed record's header
 * @param key the Ed25519 private key
 * @param role the signer's role if the configuration names it, {@code null} otherwise
 */
public record SigningKey(String signer, PrivateKey key, ControlRole role) {

    public SigningKey {
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(key, "key");
    }

    /**
     * Reads the key in {@code file} (PKCS#8 PEM) and finds its signer: {@code signer} if given,
     * checked against the configured signer of that name, otherwise the one configured signer whose
     * public key it is.
     *
     * @param signer the signer's name, {@code null} to find it by the key
     * @throws IllegalArgumentException naming the file and what to do, never quoting the key
     */
    public static SigningKey load(Path file, String signer, ControlAuthSettings settings) {
        PrivateKey key = read(file);
        if (signer != null) {
            if (!settings.authenticates()) {
                // The job checks nothing; the signature is for the record's readers.
                return new SigningKey(signer, key, null);
            }
            ControlSigner configured =
                    settings.signer(signer)
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "signer '"
                                                            + signer
                                                            + "' is not in"
                                                            + " security.control.signers (it has "
                                                            + String.join(
                                                                    ", ",
                                                                    settings.signers().keySet())
                                                            + "); name one of them, or add the"
                                                            + " signer with its public key"));
            if (!ControlSignatures.isPair(key, configured.publicKey())) {
                throw new IllegalArgumentException(
                        "the key in "
                                + file
                                + " is not the key of signer '"
                                + signer
                                + "': it does not match that signer's public key in"
                                + " security.control.signers; use that signer's key file, or"
                                + " name the key's own signer");
            }
            return new SigningKey(signer, key, configured.role());
        }
        if (!settings.authenticates()) {
            throw new IllegalArgumentException(
                    "name the signer of the key in "
                            + file
                            + " with --signer <name> (or SYNCLINE_SIGNER): the configuration has"
                            + " no security.control.signers to find it in");
        }
        List<ControlSigner> matching =
                settings.signers().values().stream()
                        .filter(s -> ControlSignatures.isPair(key, s.publicKey()))
                        .toList();
        if (matching.size() != 1) {
            throw new IllegalArgumentException(
                    matching.isEmpty()
                            ? "the key in "
                                    + file
                                    + " belongs to no signer in security.control.signers; add"
                                    + " its public key there (and restart the job), or sign with"
                                    + " a configured signer's key"
                            : "the key in "
                                    + file
                                    + " is the key of several signers ("
                                    + matching.stream()
                                            .map(ControlSigner::name)
                                            .collect(Collectors.joining(", "))
                                    + "); name one with --signer <name>");
        }
        ControlSigner found = matching.get(0);
        return new SigningKey(found.name(), key, found.role());
    }

    /** Names the signer and role, never the key. */
    @Override
    public String toString() {
        return "SigningKey[signer=" + signer + ", role=" + role + "]";
    }

    /**
     * Fails if the configuration says this signer may not send commands of {@code type}: the job
     * would refuse them, so they are not published.
     *
     * @throws IllegalArgumentException naming the roles that may
     */
    public void checkMaySend(ControlCommandType type) {
        if (role != null && !CommandRoles.allows(role, type)) {
            throw new IllegalArgumentException(
                    "signer '"
                            + signer
                            + "' has role "
                            + role.configName()
                            + ", which may not send "
                            + type
                            + " commands (the job would refuse them); sign with the key of a"
                            + " signer whose role is "
                            + CommandRoles.allowed(type).stream()
                                    .map(ControlRole::configName)
                                    .collect(Collectors.joining(" or "))
                            + "; nothing was published");
        }
    }

    private static PrivateKey read(Path file) {
        String pem;
        try {
            pem = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                    "the signing key file "
                            + file
                            + " does not exist; create a key with 'syncline signers create'",
                    e);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the signing key file " + file + ": " + e.getMessage(), e);
        }
        try {
            return ControlSignatures.privateKey(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "the signing key file "
                            + file
                            + " "
                            + e.getMessage()
                            + "; use the file 'syncline signers create' wrote (or an Ed25519 key"
                            + " from 'openssl genpkey -algorithm ed25519')",
                    e);
        }
    }
}
