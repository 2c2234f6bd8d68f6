package io.syncline.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.jobs.CliRun;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.ControlAuthSettings;
import io.syncline.jobs.control.SigningKey;
import io.syncline.operators.control.ControlRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code syncline signers create}: a key pair whose halves end up where they belong. */
class SignersCommandTest {

    private static final String CONFIG =
            """
            sources:
              - id: crm
                hostname: db.internal
                database: crm
                username: syncline
                tables:
                  - table: public.customers
                    entityType: customer
                    tenantColumn: tenant_id
            sinks:
              kafka:
                bootstrapServers: localhost:9092
              target:
                url: jdbc:postgresql://localhost:5432/warehouse
                username: syncline
            """;

    @TempDir Path dir;

    @Test
    void createWritesAPrivateKeyOnlyItsOwnerReadsAndPrintsTheSignersEntry() throws Exception {
        Path key = dir.resolve("alice.pem");

        CliRun run =
                CliRun.of(
                        "signers",
                        "create",
                        "--name",
                        "alice",
                        "--role",
                        "steward",
                        "--out",
                        key.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        Matcher publicKey =
                Pattern.compile("        publicKey: ([A-Za-z0-9+/=]+)\n").matcher(run.out());
        assertThat(publicKey.find()).as(run.out()).isTrue();
        assertThat(run.out())
                .isEqualTo(
                        "wrote the private key of signer alice (role steward) to "
                                + key
                                + ", readable by you only; keep it secret\n"
                                + "add the signer to the job's configuration and restart the"
                                + " job:\n\n"
                                + "security:\n"
                                + "  control:\n"
                                + "    signers:\n"
                                + "      alice:\n"
                                + "        role: steward\n"
                                + "        publicKey: "
                                + publicKey.group(1)
                                + "\n\n"
                                + "then sign commands with --signing-key "
                                + key
                                + " (or SYNCLINE_SIGNING_KEY="
                                + key
                                + ")\n");

        // The printed entry, pasted into a configuration, names the key's signer.
        Path config = dir.resolve("syncline.yaml");
        String entry = run.out().substring(run.out().indexOf("security:"));
        Files.writeString(config, CONFIG + entry.substring(0, entry.indexOf("\n\n") + 1));
        ControlAuthSettings signers = ConfigLoader.load(config).security().control();
        SigningKey signing = SigningKey.load(key, null, signers);
        assertThat(signing.signer()).isEqualTo("alice");
        assertThat(signing.role()).isEqualTo(ControlRole.STEWARD);
    }

    @Test
    void anExistingFileIsNotReplaced() throws Exception {
        Path key = dir.resolve("alice.pem");
        Files.writeString(key, "someone's key");

        CliRun run =
                CliRun.of(
                        "signers",
                        "create",
                        "--name",
                        "alice",
                        "--role",
                        "admin",
                        "--out",
                        key.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith(
                        key
                                + " exists; it is not replaced (it may be a signer's key): pass"
                                + " another --out, or remove the file first");
        assertThat(Files.readString(key)).isEqualTo("someone's key");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aRoleOrNameThatIsNoneIsABadArgument() {
        Path key = dir.resolve("k.pem");

        CliRun role =
                CliRun.of(
                        "signers",
                        "create",
                        "--name",
                        "alice",
                        "--role",
                        "root",
                        "--out",
                        key.toString());
        CliRun name =
                CliRun.of(
                        "signers",
                        "create",
                        "--name",
                        "al ice",
                        "--role",
                        "admin",
                        "--out",
                        key.toString());

        assertThat(role.exitCode()).isEqualTo(2);
        assertThat(role.err())
                .startsWith("--role 'root' is not a role; use operator, steward, admin");
        assertThat(name.exitCode()).isEqualTo(2);
        assertThat(name.err())
                .startsWith(
                        "--name 'al ice' may hold letters, digits, '.', '_' and '-' only, at most"
                                + " 64; e.g. alice or ops-bot");
        assertThat(key).doesNotExist();
    }
}
