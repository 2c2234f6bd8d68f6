package io.syncline.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.operators.control.ControlRole;
import io.syncline.operators.control.ControlSignatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code security.control}: the signers of control commands and whether they must sign. */
class ControlAuthConfigTest {

    private static final String VALID =
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

    private final String aliceKey =
            ControlSignatures.encode(ControlSignatures.generate().getPublic());
    private final String botKey =
            ControlSignatures.encode(ControlSignatures.generate().getPublic());

    @TempDir Path directory;

    @Test
    void withoutTheSectionCommandsAreNotAuthenticated() {
        ControlAuthSettings control = load(VALID).security().control();

        assertThat(control.signers()).isEmpty();
        assertThat(control.requireSigned()).isFalse();
        assertThat(control.authenticates()).isFalse();
    }

    @Test
    void signersAreBoundWithTheirRolesAndKeysAndSignaturesAreThenRequired() {
        ControlAuthSettings control =
                load(VALID
                                + "security:\n"
                                + "  control:\n"
                                + "    signers:\n"
                                + "      alice: {role: steward, publicKey: "
                                + aliceKey
                                + "}\n"
                                + "      ops-bot: {role: operator, publicKey: "
                                + botKey
                                + "}\n")
                        .security()
                        .control();

        assertThat(control.requireSigned()).isTrue();
        assertThat(control.signers().keySet()).containsExactly("alice", "ops-bot");
        assertThat(control.signer("alice").orElseThrow().role()).isEqualTo(ControlRole.STEWARD);
        assertThat(ControlSignatures.encode(control.signer("ops-bot").orElseThrow().publicKey()))
                .isEqualTo(botKey);
        assertThat(control.auth().requiresSigned()).isTrue();
    }

    @Test
    void signaturesMayBeOptionalWhileSignersAreIntroduced() {
        ControlAuthSettings control =
                load(VALID
                                + "security:\n"
                                + "  control:\n"
                                + "    requireSigned: false\n"
                                + "    signers: {alice: {role: admin, publicKey: "
                                + aliceKey
                                + "}}\n")
                        .security()
                        .control();

        assertThat(control.requireSigned()).isFalse();
        assertThat(control.authenticates()).isTrue();
    }

    @Test
    void eachProblemOfASignerIsNamedWithItsPathAndFix() throws Exception {
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        String rsaKey = Base64.getEncoder().encodeToString(rsa.getPublic().getEncoded());

        ConfigException e =
                catchConfigException(
                        VALID
                                + "security:\n"
                                + "  control:\n"
                                + "    signers:\n"
                                + "      alice: {role: root, publicKey: "
                                + aliceKey
                                + "}\n"
                                + "      bob: {role: admin, publicKey: 'not base64!'}\n"
                                + "      carol: {role: admin, publicKey: "
                                + rsaKey
                                + "}\n"
                                + "      dave: {role: admin}\n"
                                + "      'e ve': {role: admin, publicKey: "
                                + botKey
                                + "}\n"
                                + "      frank: {role: admin, publicKey: "
                                + botKey
                                + ", key: x}\n");

        assertThat(e.problems())
                .extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(
                                "security.control.signers.alice.role",
                                "'root' is not a role; use one of operator, steward, admin"),
                        tuple(
                                "security.control.signers.bob.publicKey",
                                "is not base64 (Illegal base64 character 20); paste the publicKey"
                                        + " that 'syncline signers create' printed (base64 of an"
                                        + " Ed25519 X.509 SubjectPublicKeyInfo, e.g. from 'openssl"
                                        + " pkey -pubout -outform DER | base64')"),
                        tuple(
                                "security.control.signers.carol.publicKey",
                                "is not an Ed25519 public key in X.509 SubjectPublicKeyInfo form;"
                                        + " paste the publicKey that 'syncline signers create'"
                                        + " printed (base64 of an Ed25519 X.509"
                                        + " SubjectPublicKeyInfo, e.g. from 'openssl pkey -pubout"
                                        + " -outform DER | base64')"),
                        tuple(
                                "security.control.signers.dave.publicKey",
                                "is required; e.g. MCowBQYDK2VwAyEA... (from 'syncline signers"
                                        + " create')"),
                        tuple(
                                "security.control.signers.e ve",
                                "'e ve' is not a signer name; use letters, digits, '.', '_' and"
                                        + " '-' only, at most 64, e.g. alice or ops-bot"),
                        tuple(
                                "security.control.signers.frank.key",
                                "unknown key 'key'; Known keys: role, publicKey"));
    }

    @Test
    void requiringSignaturesWithoutSignersIsAProblem() {
        ConfigException e =
                catchConfigException(VALID + "security:\n  control:\n    requireSigned: true\n");

        assertThat(e.problems())
                .extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(
                                "security.control.requireSigned",
                                "refuses unsigned commands, but no signer is configured to sign"
                                        + " any; add security.control.signers (create one with"
                                        + " 'syncline signers create'), or set requireSigned:"
                                        + " false"));
    }

    private SynclineConfig load(String yaml) {
        Path file = directory.resolve("syncline.yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return ConfigLoader.load(file, Map.<String, String>of()::get);
    }

    private ConfigException catchConfigException(String yaml) {
        try {
            load(yaml);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }
}
