package io.syncline.operators.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.schema.ControlCommandType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlAuthTest {

    private static final String TOPIC = "syncline-control";
    private static final byte[] VALUE = "a command".getBytes(StandardCharsets.UTF_8);

    private final KeyPair aliceKeys = ControlSignatures.generate();
    private final KeyPair botKeys = ControlSignatures.generate();
    private final ControlSigner alice =
            new ControlSigner("alice", ControlRole.STEWARD, aliceKeys.getPublic());
    private final ControlSigner bot =
            new ControlSigner("ops-bot", ControlRole.OPERATOR, botKeys.getPublic());
    private final ControlAuth auth = new ControlAuth(List.of(alice, bot), true);

    @Test
    void aRecordSignedByAConfiguredSignerIsAcceptedWithItsSignerAndRole() {
        ControlAuth.Verdict verdict =
                auth.authenticate(TOPIC, VALUE, "alice", sign(aliceKeys, TOPIC, VALUE));

        assertThat(verdict).isEqualTo(new ControlAuth.Verdict("alice", ControlRole.STEWARD, null));
        assertThat(verdict.isAccepted()).isTrue();
    }

    @Test
    void anUnsignedRecordIsRefusedWhenSignaturesAreRequired() {
        ControlAuth.Verdict verdict = auth.authenticate(TOPIC, VALUE, null, null);

        assertThat(verdict.isAccepted()).isFalse();
        assertThat(verdict.signer()).isNull();
        assertThat(verdict.rejection())
                .isEqualTo("unsigned: the record carries no syncline-signature header");
    }

    @Test
    void anUnsignedRecordIsAcceptedWhileSignaturesAreNotRequiredButASignedOneIsChecked() {
        ControlAuth lenient = new ControlAuth(List.of(alice), false);

        assertThat(lenient.authenticate(TOPIC, VALUE, null, null))
                .isEqualTo(new ControlAuth.Verdict(null, null, null));
        assertThat(
                        lenient.authenticate(TOPIC, VALUE, "alice", sign(botKeys, TOPIC, VALUE))
                                .rejection())
                .startsWith("bad signature of signer 'alice'");
    }

    @Test
    void withoutSignersEveryRecordIsAccepted() {
        ControlAuth open = ControlAuth.unauthenticated();

        assertThat(open.authenticates()).isFalse();
        assertThat(open.authenticate(TOPIC, VALUE, null, null).isAccepted()).isTrue();
        assertThat(open.authenticate(TOPIC, VALUE, "anyone", "junk").isAccepted()).isTrue();
    }

    @Test
    void aSignatureThatDoesNotFitTheRecordIsRefused() {
        String signature = sign(aliceKeys, TOPIC, VALUE);
        byte[] tampered = "a commanD".getBytes(StandardCharsets.UTF_8);
        String badSignature =
                "bad signature of signer 'alice': the record was changed after it was signed, or"
                        + " it was signed for another topic or with another key";

        assertThat(auth.authenticate(TOPIC, tampered, "alice", signature).rejection())
                .isEqualTo(badSignature);
        assertThat(auth.authenticate("other-control", VALUE, "alice", signature).rejection())
                .isEqualTo(badSignature);
        assertThat(
                        auth.authenticate(TOPIC, VALUE, "alice", sign(botKeys, TOPIC, VALUE))
                                .rejection())
                .isEqualTo(badSignature);
        assertThat(auth.authenticate(TOPIC, null, "alice", signature).rejection())
                .isEqualTo(badSignature);
    }

    @Test
    void anUnknownSignerOrAHalfSignatureIsRefused() {
        String signature = sign(aliceKeys, TOPIC, VALUE);

        assertThat(auth.authenticate(TOPIC, VALUE, "mallory", signature).rejection())
                .isEqualTo(
                        "unknown signer 'mallory': no key of that name is in"
                                + " security.control.signers");
        assertThat(auth.authenticate(TOPIC, VALUE, null, signature).rejection())
                .isEqualTo(
                        "incomplete signature: the record carries a syncline-signature header but"
                                + " no syncline-signer header");
        assertThat(auth.authenticate(TOPIC, VALUE, "alice", null).rejection())
                .isEqualTo(
                        "incomplete signature: the record names signer 'alice' but carries no"
                                + " syncline-signature header");
    }

    @Test
    void aSignerNameFromTheRecordIsQuotedPrintableAndShort() {
        String forged = "x\n2024-05-01 INFO all is well" + "y".repeat(100);

        String rejection = auth.authenticate(TOPIC, VALUE, forged, "sig").rejection();

        assertThat(rejection).doesNotContain("\n").contains("'x?2024-05-01 INFO all is well");
        assertThat(rejection).contains("yyy...'").doesNotContain("y".repeat(60));
    }

    @Test
    void aSignerWhoseRoleMayNotSendTheCommandIsRefusedNamingTheRolesThatMay() {
        ControlAuth.Verdict signedByBot =
                auth.authenticate(TOPIC, VALUE, "ops-bot", sign(botKeys, TOPIC, VALUE));

        ControlAuth.Verdict ruleSet = auth.authorize(signedByBot, ControlCommandType.RULE_SET);

        assertThat(ruleSet.isAccepted()).isFalse();
        assertThat(ruleSet.signer()).isEqualTo("ops-bot");
        assertThat(ruleSet.rejection())
                .isEqualTo(
                        "role operator of signer 'ops-bot' may not send RULE_SET commands;"
                                + " steward, admin may");
        assertThat(auth.authorize(signedByBot, ControlCommandType.RESYNC)).isEqualTo(signedByBot);
        // An unreadable record is not applied anyway: only its signature counts.
        assertThat(auth.authorize(signedByBot, ControlCommandType.UNKNOWN)).isEqualTo(signedByBot);
    }

    @Test
    void aRefusedOrUnsignedVerdictStaysAsItIs() {
        ControlAuth.Verdict unsigned = auth.authenticate(TOPIC, VALUE, null, null);
        ControlAuth lenient = new ControlAuth(List.of(alice), false);
        ControlAuth.Verdict accepted = lenient.authenticate(TOPIC, VALUE, null, null);

        assertThat(auth.authorize(unsigned, ControlCommandType.RULE_SET)).isEqualTo(unsigned);
        assertThat(lenient.authorize(accepted, ControlCommandType.ERASE)).isEqualTo(accepted);
    }

    @Test
    void requiringSignaturesWithoutSignersOrTwoSignersOfOneNameIsRefused() {
        ControlSigner otherAlice =
                new ControlSigner("alice", ControlRole.ADMIN, botKeys.getPublic());

        assertThatThrownBy(() -> new ControlAuth(List.of(), true))
                .hasMessageContaining("there is no signer");
        assertThatThrownBy(() -> new ControlAuth(List.of(alice, otherAlice), true))
                .hasMessage("two signers are named 'alice'");
        assertThatThrownBy(
                        () -> new ControlSigner("al ice", ControlRole.ADMIN, aliceKeys.getPublic()))
                .hasMessageContaining("letters, digits");
    }

    @Test
    void itStillChecksAfterJavaSerializationAsFlinkShipsIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(auth);
        }
        ControlAuth shipped;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            shipped = (ControlAuth) in.readObject();
        }

        assertThat(shipped.authenticate(TOPIC, VALUE, "alice", sign(aliceKeys, TOPIC, VALUE)))
                .isEqualTo(new ControlAuth.Verdict("alice", ControlRole.STEWARD, null));
        assertThat(shipped.authenticate(TOPIC, VALUE, null, null).isAccepted()).isFalse();
    }

    private static String sign(KeyPair keys, String topic, byte[] value) {
        return ControlSignatures.sign(keys.getPrivate(), topic, value);
    }
}
