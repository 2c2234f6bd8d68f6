package io.syncline.jobs.cli;

import io.syncline.operators.control.ControlRole;
import io.syncline.operators.control.ControlSignatures;
import io.syncline.operators.control.ControlSigner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code syncline signers}: creates the keys control commands are signed with. The private key
 * stays with whoever signs; the job's configuration gets the public key and the signer's role.
 */
@Command(
        name = "signers",
        description = "Create the keys that control commands are signed with.",
        subcommands = {SignersCommand.CreateSigner.class})
public final class SignersCommand extends CommandGroup {

    public SignersCommand() {
        super("create");
    }

    @Command(
            name = "create",
            description =
                    "Generate an Ed25519 key pair for a signer: write its private key (PKCS#8 PEM,"
                            + " readable by you only) to --out, and print the entry to add to"
                            + " security.control.signers in the job's configuration.",
            sortOptions = false)
    static final class CreateSigner implements Callable<Integer> {

        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "Show this help and exit.")
        boolean help;

        @Option(
                names = "--name",
                required = true,
                paramLabel = "<name>",
                description = "The signer's name: letters, digits, '.', '_' and '-'.")
        String name;

        @Option(
                names = "--role",
                required = true,
                paramLabel = "<role>",
                description = "What it may send: operator, steward or admin.")
        String role;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "<file>",
                description = "Where to write the private key; an existing file is not replaced.")
        Path out;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            if (!ControlSigner.NAME.matcher(name).matches()) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--name '"
                                + name
                                + "' may hold letters, digits, '.', '_' and '-' only, at most 64;"
                                + " e.g. alice or ops-bot");
            }
            ControlRole controlRole =
                    ControlRole.named(role)
                            .orElseThrow(
                                    () ->
                                            new ParameterException(
                                                    spec.commandLine(),
                                                    "--role '"
                                                            + role
                                                            + "' is not a role; use "
                                                            + String.join(
                                                                    ", ",
                                                                    ControlRole.configNames())));
            KeyPair pair = ControlSignatures.generate();
            try {
                writeOwnerOnly(out, ControlSignatures.pem(pair.getPrivate()));
            } catch (FileAlreadyExistsException e) {
                throw new ParameterException(
                        spec.commandLine(),
                        out
                                + " exists; it is not replaced (it may be a signer's key): pass"
                                + " another --out, or remove the file first");
            } catch (IOException e) {
                spec.commandLine()
                        .getErr()
                        .println("syncline: cannot write " + out + ": " + e.getMessage());
                return SynclineCli.FAILED;
            }
            PrintWriter printer = spec.commandLine().getOut();
            printer.printf(
                    "wrote the private key of signer %s (role %s) to %s, readable by you only;"
                            + " keep it secret%n",
                    name, controlRole.configName(), out);
            printer.printf(
                    "add the signer to the job's configuration and restart the job:%n%n"
                            + "security:%n"
                            + "  control:%n"
                            + "    signers:%n"
                            + "      %s:%n"
                            + "        role: %s%n"
                            + "        publicKey: %s%n%n",
                    name, controlRole.configName(), ControlSignatures.encode(pair.getPublic()));
            printer.printf(
                    "then sign commands with --signing-key %s (or SYNCLINE_SIGNING_KEY=%s)%n",
                    out, out);
            return 0;
        }

        /**
         * Creates {@code file} readable and writable by its owner only, and writes {@code text}.
         */
        private static void writeOwnerOnly(Path file, String text) throws IOException {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(
                        file,
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
        }
    }
}
