package io.syncline.operators.control;

import io.syncline.schema.ControlCommandType;
import java.io.Serializable;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Decides whether the control reader accepts a record: whether its signature is one of a configured
 * signer's over this very record on this very topic, and whether the signer's role may send the
 * command. Without signers nothing can be checked and every record is accepted.
 */
public final class ControlAuth implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A refused record names its signer in messages; a longer name is cut. */
    private static final int MAX_QUOTED = 64;

    private final LinkedHashMap<String, ControlSigner> signers;
    private final boolean requireSigned;

    /**
     * @param signers the keys commands may be signed with
     * @param requireSigned whether unsigned records are refused; a signed one is always checked
     * @throws IllegalArgumentException if unsigned records are to be refused but there are no
     *     signers, or two signers have one name
     */
    public ControlAuth(Collection<ControlSigner> signers, boolean requireSigned) {
        this.signers = new LinkedHashMap<>();
        for (ControlSigner signer : signers) {
            if (this.signers.put(signer.name(), signer) != null) {
                throw new IllegalArgumentException("two signers are named '" + signer.name() + "'");
            }
        }
        if (requireSigned && signers.isEmpty()) {
            throw new IllegalArgumentException(
                    "unsigned commands are to be refused, but there is no signer to sign any");
        }
        this.requireSigned = requireSigned;
    }

    /** No signers: every record is accepted, as before commands were signed. */
    public static ControlAuth unauthenticated() {
        return new ControlAuth(List.of(), false);
    }

    /** Whether records are checked at all: there are signers to check them against. */
    public boolean authenticates() {
        return !signers.isEmpty();
    }

    /** Whether unsigned records are refused. */
    public boolean requiresSigned() {
        return requireSigned;
    }

    /**
     * Checks the signature of the record with {@code value} on {@code topic}, from the values of
     * its {@value ControlSignatures#SIGNER_HEADER} and {@value ControlSignatures#SIGNATURE_HEADER}
     * headers ({@code null} where absent).
     */
    public Verdict authenticate(String topic, byte[] value, String signerName, String signature) {
        if (signers.isEmpty()) {
            return Verdict.ACCEPTED_UNSIGNED;
        }
        if (signerName == null && signature == null) {
            return requireSigned
                    ? Verdict.refused(
                            null,
                            "unsigned: the record carries no "
                                    + ControlSignatures.SIGNATURE_HEADER
                                    + " header")
                    : Verdict.ACCEPTED_UNSIGNED;
        }
        if (signerName == null) {
            return Verdict.refused(
                    null,
                    "incomplete signature: the record carries a "
                            + ControlSignatures.SIGNATURE_HEADER
                            + " header but no "
                            + ControlSignatures.SIGNER_HEADER
                            + " header");
        }
        if (signature == null) {
            return Verdict.refused(
                    null,
                    "incomplete signature: the record names signer "
                            + quote(signerName)
                            + " but carries no "
                            + ControlSignatures.SIGNATURE_HEADER
                            + " header");
        }
        ControlSigner signer = signers.get(signerName);
        if (signer == null) {
            return Verdict.refused(
                    null,
                    "unknown signer "
                            + quote(signerName)
                            + ": no key of that name is in security.control.signers");
        }
        if (value == null
                || !ControlSignatures.verify(signer.publicKey(), topic, value, signature)) {
            return Verdict.refused(
                    null,
                    "bad signature of signer "
                            + quote(signerName)
                            + ": the record was changed after it was signed, or it was signed for"
                            + " another topic or with another key");
        }
        return new Verdict(signer.name(), signer.role(), null);
    }

    /**
     * {@code verdict}, refused if its signer's role may not send commands of {@code type}. A
     * command of type {@code UNKNOWN} (unreadable, or of a later version) is not applied anyway, so
     * only its signature counts.
     */
    public Verdict authorize(Verdict verdict, ControlCommandType type) {
        if (!verdict.isAccepted()
                || verdict.role() == null
                || type == ControlCommandType.UNKNOWN
                || CommandRoles.allows(verdict.role(), type)) {
            return verdict;
        }
        return Verdict.refused(
                verdict.signer(),
                "role "
                        + verdict.role().configName()
                        + " of signer '"
                        + verdict.signer()
                        + "' may not send "
                        + type
                        + " commands; "
                        + CommandRoles.allowed(type).stream()
                                .map(ControlRole::configName)
                                .collect(Collectors.joining(", "))
                        + " may");
    }

    /** {@code text} from a record's header, quoted, printable and cut short: it is anyone's. */
    static String quote(String text) {
        return "'" + Printable.of(text, MAX_QUOTED) + "'";
    }

    /**
     * What the reader decided about a record.
     *
     * @param signer the signer whose signature verified; {@code null} if none did
     * @param role the signer's role; {@code null} without a signer
     * @param rejection why the record is refused; {@code null} if it is accepted
     */
    public record Verdict(String signer, ControlRole role, String rejection)
            implements Serializable {

        /** An unsigned record accepted because no signature is required. */
        static final Verdict ACCEPTED_UNSIGNED = new Verdict(null, null, null);

        static Verdict refused(String signer, String rejection) {
            return new Verdict(signer, null, rejection);
        }

        public boolean isAccepted() {
            return rejection == null;
        }
    }
}
