package io.syncline.jobs.cli;

import io.syncline.jobs.config.ControlAuthSettings;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.control.SigningKey;
import io.syncline.schema.ControlCommandType;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of every command that publishes on the control topic: the key to sign its commands
 * with and whose key it is. A job with {@code security.control.signers} refuses what is not signed
 * by a signer whose role may send it.
 */
final class SigningOptions {

    @Option(
            names = "--signing-key",
            paramLabel = "<file>",
            defaultValue = "${env:SYNCLINE_SIGNING_KEY}",
            description =
                    "Sign the commands with the Ed25519 private key in this PKCS#8 PEM file (from"
                            + " 'syncline signers create'); default: $SYNCLINE_SIGNING_KEY.")
    Path signingKey;

    @Option(
            names = "--signer",
            paramLabel = "<name>",
            defaultValue = "${env:SYNCLINE_SIGNER}",
            description =
                    "The key's signer in security.control.signers; default: $SYNCLINE_SIGNER, else"
                            + " the configured signer whose public key it is.")
    String signer;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /**
     * The key to sign commands of {@code type} with, {@code null} to publish unsigned.
     *
     * @throws ParameterException if the key cannot be used or its role may not send {@code type},
     *     or the job requires signed commands and none is given
     */
    SigningKey key(SynclineConfig config, ControlCommandType type) {
        ControlAuthSettings settings = config.security().control();
        if (signingKey == null) {
            if (settings.requireSigned()) {
                throw new ParameterException(
                        mixee.commandLine(),
                        "the job refuses unsigned control commands (security.control in "
                                + config.file()
                                + "); sign with --signing-key <file> (or SYNCLINE_SIGNING_KEY),"
                                + " the private key of one of its signers ("
                                + String.join(", ", settings.signers().keySet())
                                + "); nothing was published");
            }
            return null;
        }
        try {
            SigningKey key = SigningKey.load(signingKey, signer, settings);
            key.checkMaySend(type);
            return key;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), e.getMessage(), e);
        }
    }

    /** Who issues the commands: the signer when signing, otherwise the user running syncline. */
    static String issuer(SigningKey key) {
        return key != null ? key.signer() : System.getProperty("user.name");
    }
}
