package io.syncline.jobs.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.jobs.config.ControlAuthSettings;
import io.syncline.operators.control.ControlRole;
import io.syncline.operators.control.ControlSignatures;
import io.syncline.operators.control.ControlSigner;
import io.syncline.schema.ControlCommandType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the command line finds the signer of a signing key, and what it refuses to sign. */
class SigningKeyTest {

    private final KeyPair aliceKeys = ControlSignatures.generate();
    private final KeyPair botKeys = ControlSignatures.generate();
    private final ControlAuthSettings signers =
            new ControlAuthSettings(
                    signers(
                            new ControlSigner("alice", ControlRole.STEWARD, aliceKeys.getPublic()),
                            new ControlSigner(
                                    "ops-bot", ControlRole.OPERATOR, botKeys.getPublic())),
                    true);

    @TempDir Path dir;
    private Path aliceFile;
    private Path strangerFile;

    @BeforeEach
    void writeKeys() throws Exception {
        aliceFile = dir.resolve("alice.pem");
        Files.writeString(aliceFile, ControlSignatures.pem(aliceKeys.getPrivate()));
        strangerFile = dir.resolve("stranger.pem");
        Files.writeString(
                strangerFile, ControlSignatures.pem(ControlSignatures.generate().getPrivate()));
    }

    @Test
    void theSignerIsFoundByItsPublicKeyOrCheckedWhenNamed() {
        assertThat(SigningKey.load(aliceFile, null, signers))
                .extracting(SigningKey::signer, SigningKey::role)
                .containsExactly("alice", ControlRole.STEWARD);
        assertThat(SigningKey.load(aliceFile, "alice", signers).role())
                .isEqualTo(ControlRole.STEWARD);
    }

    @Test
    void aKeyOfNoOrAnotherSignerIsRefused() {
        assertThatThrownBy(() -> SigningKey.load(strangerFile, null, signers))
                .hasMessage(
                        "the key in "
                                + strangerFile
                                + " belongs to no signer in security.control.signers; add its"
                                + " public key there (and restart the job), or sign with a"
                                + " configured signer's key");
        assertThatThrownBy(() -> SigningKey.load(aliceFile, "ops-bot", signers))
                .hasMessage(
                        "the key in "
                                + aliceFile
                                + " is not the key of signer 'ops-bot': it does not match that"
                                + " signer's public key in security.control.signers; use that"
                                + " signer's key file, or name the key's own signer");
        assertThatThrownBy(() -> SigningKey.load(aliceFile, "carol", signers))
                .hasMessageStartingWith(
                        "signer 'carol' is not in security.control.signers (it has alice,"
                                + " ops-bot)");
    }

    @Test
    void withoutConfiguredSignersTheSignerMustBeNamed() {
        assertThatThrownBy(() -> SigningKey.load(aliceFile, null, ControlAuthSettings.none()))
                .hasMessageContaining("name the signer of the key in " + aliceFile);
        SigningKey named = SigningKey.load(aliceFile, "alice", ControlAuthSettings.none());
        assertThat(named.signer()).isEqualTo("alice");
        assertThat(named.role()).isNull();
        // Without a known role nothing is refused here; the job decides.
        named.checkMaySend(ControlCommandType.ERASE);
    }

    @Test
    void aFileThatIsNoKeyIsRefusedWithoutQuotingIt() throws Exception {
        Path notAKey = dir.resolve("notes.txt");
        Files.writeString(notAKey, "secret notes");

        assertThatThrownBy(() -> SigningKey.load(dir.resolve("none.pem"), null, signers))
                .hasMessage(
                        "the signing key file "
                                + dir.resolve("none.pem")
                                + " does not exist; create a key with 'syncline signers create'");
        assertThatThrownBy(() -> SigningKey.load(notAKey, null, signers))
                .hasMessageStartingWith("the signing key file " + notAKey + " holds no")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret notes"));
    }

    @Test
    void aSignerIsNotLetToSignWhatItsRoleMayNotSend() {
        SigningKey alice = SigningKey.load(aliceFile, null, signers);

        alice.checkMaySend(ControlCommandType.RULE_SET);
        assertThatThrownBy(() -> alice.checkMaySend(ControlCommandType.ERASE))
                .hasMessage(
                        "signer 'alice' has role steward, which may not send ERASE commands (the"
                                + " job would refuse them); sign with the key of a signer whose"
                                + " role is admin; nothing was published");
        assertThat(alice.toString()).isEqualTo("SigningKey[signer=alice, role=STEWARD]");
    }

    private static Map<String, ControlSigner> signers(ControlSigner... signers) {
        Map<String, ControlSigner> byName = new LinkedHashMap<>();
        for (ControlSigner signer : signers) {
            byName.put(signer.name(), signer);
        }
        return byName;
    }
}
