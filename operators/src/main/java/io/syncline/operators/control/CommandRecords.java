package io.syncline.operators.control;

import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorRecords;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertSeverity;
import io.syncline.schema.AlertStatus;
import io.syncline.schema.AuditKind;
import io.syncline.schema.AuditRecord;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.ResyncRequest;
import java.time.Instant;

/**
 * What the control stage writes about a command besides carrying it out: the audit entry of every
 * command, and the error and security alert of a refused one. None of them holds the command's data
 * (a replay carries a whole change, personal data included): only what identifies the command, who
 * sent it, and what it is about.
 */
public final class CommandRecords {

    /** The kind of a security alert. */
    public static final String ALERT_KIND = "security";

    /** The metric of a refused command's alert: refused commands, one per alert. */
    public static final String ALERT_METRIC = "control_commands_refused";

    /** Text chosen by whoever wrote the record is cut to this length. */
    private static final int MAX_QUOTED = 200;

    private CommandRecords() {}

    /**
     * The command in one line without its data: id, type, issue time, issuer and signer, e.g.
     * {@code command rules-v2 (RULE_SET) issued 2024-05-01T09:00:00Z by 'ada', signer 'alice'}.
     */
    public static String summary(ControlCommand command) {
        return "command "
                + Printable.of(command.getCommandId(), MAX_QUOTED)
                + " ("
                + command.getType()
                + ") issued "
                + issuedAt(command)
                + " by "
                + quote(command.getIssuedBy())
                + ", signer "
                + quote(command.getSigner());
    }

    /** The error of a command the reader refused: why, and what to do. */
    public static ErrorRecord refusal(ControlCommand command) {
        ErrorRecord.Builder builder =
                ErrorRecords.permanent(
                                ErrorRecord.newBuilder(),
                                ControlRouter.STAGE,
                                ErrorCodes.CONTROL_COMMAND_UNAUTHORIZED,
                                "control command "
                                        + Printable.of(command.getCommandId(), MAX_QUOTED)
                                        + " of type "
                                        + command.getType()
                                        + " was refused and not applied: "
                                        + command.getRejection()
                                        + "; publish commands with the syncline command line and a"
                                        + " signing key of a role allowed to send them"
                                        + " (--signing-key, see docs/security/control.md); if"
                                        + " nobody you know sent it, someone else can write to the"
                                        + " control topic: restrict its ACLs")
                        .setSourceId("control")
                        .setSourcePosition(command.getCommandId());
        return ErrorRecords.build(
                builder,
                summary(command) + ": refused: " + command.getRejection(),
                issuedAt(command));
    }

    /**
     * The security alert of a command the reader refused: critical, firing, one per refused record
     * (its id is the command's and its issue time, so a record read again after a restore raises
     * the same alert, not a second one).
     *
     * @param now when the job noticed, the alert's time
     */
    public static Alert securityAlert(ControlCommand command, Instant now) {
        String condition =
                ALERT_KIND + "/control/" + Printable.of(command.getCommandId(), MAX_QUOTED);
        About about = about(command);
        return Alert.newBuilder()
                .setAlertId(condition + "@" + issuedAt(command).toEpochMilli())
                .setCondition(condition)
                .setSeverity(AlertSeverity.CRITICAL)
                .setStatus(AlertStatus.FIRING)
                .setKind(ALERT_KIND)
                .setTenant(about.tenant())
                .setEntityType(about.entityType())
                .setSourceId("control")
                .setMetric(ALERT_METRIC)
                .setValue(1)
                .setThreshold(0)
                .setMessage(
                        "control command refused: "
                                + summary(command)
                                + ": "
                                + command.getRejection()
                                + "; it was not applied. If nobody you know sent it, someone"
                                + " else can write to the control topic: restrict its ACLs and"
                                + " check the signers' keys")
                .setFiredAt(now)
                .setTime(now)
                .build();
    }

    /**
     * The audit entry of a command the reader accepted.
     *
     * @param notApplied the error code it was not applied with (e.g. a rule set that does not
     *     compile), {@code null} if it was passed on
     */
    public static AuditRecord accepted(ControlCommand command, String notApplied) {
        String detail = detail(command);
        if (notApplied != null) {
            detail = (detail == null ? "" : detail + "; ") + "not applied: " + notApplied;
        }
        return audit(command, AuditKind.COMMAND, "command-", detail);
    }

    /** The audit entry of a command the reader refused, with the reason. */
    public static AuditRecord refused(ControlCommand command) {
        String detail = detail(command);
        return audit(
                command,
                AuditKind.COMMAND_REJECTED,
                "command-refused-",
                (detail == null ? "" : detail + "; ") + "refused: " + command.getRejection());
    }

    private static AuditRecord audit(
            ControlCommand command, AuditKind kind, String idPrefix, String detail) {
        About about = about(command);
        return AuditRecord.newBuilder()
                .setAuditId(
                        idPrefix
                                + Printable.of(command.getCommandId(), MAX_QUOTED)
                                + "@"
                                + issuedAt(command).toEpochMilli())
                .setKind(kind)
                .setTime(issuedAt(command))
                .setTenant(about.tenant())
                .setEntityType(about.entityType())
                .setEntityId(about.entityId())
                .setActor(actor(command))
                .setCommandId(command.getCommandId())
                .setCommandType(command.getType().name())
                .setRuleSetVersion(
                        command.getRuleSet() == null ? null : command.getRuleSet().getVersion())
                .setDetail(detail)
                .build();
    }

    /** Who sent it: the issuer the command names and the key that signed it. */
    private static String actor(ControlCommand command) {
        String issuer = Printable.of(command.getIssuedBy(), MAX_QUOTED);
        return command.getSigner() == null
                ? issuer + " (unsigned)"
                : issuer + " (signer " + command.getSigner() + ")";
    }

    /** What the command does, without its data; {@code null} for one of unknown type. */
    private static String detail(ControlCommand command) {
        return switch (command.getType()) {
            case RULE_SET ->
                    command.getRuleSet() == null
                            ? null
                            : "rule set version " + command.getRuleSet().getVersion();
            case REPLAY ->
                    "replay of error " + Printable.of(command.getReplayedErrorId(), MAX_QUOTED);
            case CONFLICT_DECISION ->
                    command.getDecision() == null
                            ? null
                            : "decision "
                                    + command.getDecision().getPick()
                                    + " of conflict "
                                    + Printable.of(
                                            command.getDecision().getConflictId(), MAX_QUOTED);
            case RESYNC -> command.getResync() == null ? null : resync(command.getResync());
            case ERASE ->
                    command.getErasure() == null
                            ? null
                            : "erasure of a data subject ("
                                    + command.getErasure().getEntityKeys().size()
                                    + " entity keys)";
            case KEY_ROTATION ->
                    command.getKeyRotation() == null
                            ? null
                            : "data key "
                                    + Printable.of(command.getKeyRotation().getKeyId(), MAX_QUOTED)
                                    + " version "
                                    + command.getKeyRotation().getVersion();
            case UNKNOWN -> null;
        };
    }

    private static String resync(ResyncRequest request) {
        if (!request.getIds().isEmpty()) {
            return "re-sync of " + request.getIds().size() + " ids";
        }
        if (request.getFromKey() != null || request.getToKey() != null) {
            return "re-sync of a key range";
        }
        return "re-sync of every row";
    }

    /** The tenant and entity a command is about, where it names them. */
    private static About about(ControlCommand command) {
        return switch (command.getType()) {
            case REPLAY ->
                    command.getReplay() == null
                            ? About.NOTHING
                            : new About(
                                    command.getReplay().getTenant(),
                                    command.getReplay().getEntityType(),
                                    command.getReplay().getEntityId());
            case CONFLICT_DECISION ->
                    command.getDecision() == null
                            ? About.NOTHING
                            : new About(
                                    command.getDecision().getTenant(),
                                    command.getDecision().getEntityType(),
                                    command.getDecision().getEntityId());
            case RESYNC ->
                    command.getResync() == null
                            ? About.NOTHING
                            : new About(
                                    command.getResync().getTenant(),
                                    command.getResync().getEntityType(),
                                    null);
            case ERASE ->
                    command.getErasure() == null
                            ? About.NOTHING
                            : new About(command.getErasure().getTenant(), null, null);
            case KEY_ROTATION ->
                    command.getKeyRotation() == null
                            ? About.NOTHING
                            : new About(command.getKeyRotation().getTenant(), null, null);
            case RULE_SET, UNKNOWN -> About.NOTHING;
        };
    }

    private static Instant issuedAt(ControlCommand command) {
        return command.getIssuedAt() == null ? Instant.EPOCH : command.getIssuedAt();
    }

    private static String quote(String text) {
        return text == null ? "-" : "'" + Printable.of(text, MAX_QUOTED) + "'";
    }

    private record About(String tenant, String entityType, String entityId) {
        static final About NOTHING = new About(null, null, null);
    }
}
