package io.syncline.operators.control;

import io.syncline.operators.audit.AuditOutputs;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.errors.ErrorRecords;
import io.syncline.operators.validate.RuleSet;
import io.syncline.operators.validate.RuleSetException;
import io.syncline.operators.validate.RuleSetParser;
import io.syncline.operators.validate.ValidationCodes;
import io.syncline.schema.Alert;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ConflictPick;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.RuleSetDocument;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the control topic: rule sets that compile go on (to be broadcast), replayed changes go to
 * {@link #REPLAYS} (to be validated again like any change), decisions of parked conflicts go to
 * {@link #DECISIONS} (to the resolve stage), re-sync requests to {@link #RESYNCS} (to be read from
 * their source), and rule sets that do not compile, incomplete and unreadable commands go to the
 * error queue, so the rule set in force stays.
 *
 * <p>A command the control reader refused (unsigned, badly signed, or from a role that may not send
 * it) is never carried out: it goes to the error queue, raises a critical alert on {@link
 * #SECURITY_ALERTS} and is logged. Every command, carried out or not, leaves an entry on {@link
 * AuditOutputs#AUDIT}.
 */
public final class ControlRouter extends ProcessFunction<ControlCommand, ControlCommand> {

    /** Changes to validate again, from {@code syncline errors replay}. */
    public static final OutputTag<ChangeEvent> REPLAYS =
            new OutputTag<>("syncline-replays", new AvroTypeInfo<>(ChangeEvent.class));

    /** Decisions of parked conflicts, from {@code syncline conflicts resolve}. */
    public static final OutputTag<ConflictDecision> DECISIONS =
            new OutputTag<>(
                    "syncline-conflict-decisions", new AvroTypeInfo<>(ConflictDecision.class));

    /** Re-sync requests, from {@code syncline resync} and {@code syncline reconcile --repair}. */
    public static final OutputTag<ControlCommand> RESYNCS =
            new OutputTag<>("syncline-resyncs", new AvroTypeInfo<>(ControlCommand.class));

    /** Erasures of data subjects, from {@code syncline erase}: to the protect stage. */
    public static final OutputTag<ControlCommand> ERASURES =
            new OutputTag<>("syncline-erasures", new AvroTypeInfo<>(ControlCommand.class));

    /** New data key versions, from {@code syncline keys rotate}: to the protect stage. */
    public static final OutputTag<ControlCommand> KEY_ROTATIONS =
            new OutputTag<>("syncline-key-rotations", new AvroTypeInfo<>(ControlCommand.class));

    /** Security alerts of refused commands: to the alert topic, table and notifiers. */
    public static final OutputTag<Alert> SECURITY_ALERTS =
            new OutputTag<>("syncline-security-alerts", new AvroTypeInfo<>(Alert.class));

    /** Stage name on errors about commands. */
    public static final String STAGE = "control";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ControlRouter.class);

    private final Clock clock;

    public ControlRouter() {
        this(Clock.systemUTC());
    }

    /**
     * @param clock tells when a refused command was noticed, the time of its alert
     */
    public ControlRouter(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void processElement(ControlCommand command, Context ctx, Collector<ControlCommand> out) {
        if (command.getRejection() != null) {
            refuse(command, ctx);
            return;
        }
        String notApplied = route(command, ctx, out);
        ctx.output(AuditOutputs.AUDIT, CommandRecords.accepted(command, notApplied));
    }

    /**
     * Never carries out a refused command: to the errors, the security alerts, the log and the
     * audit trail, without its data.
     */
    private void refuse(ControlCommand command, Context ctx) {
        LOG.warn("refused control {}: {}", CommandRecords.summary(command), command.getRejection());
        ctx.output(ErrorOutputs.ERRORS, CommandRecords.refusal(command));
        ctx.output(SECURITY_ALERTS, CommandRecords.securityAlert(command, clock.instant()));
        ctx.output(AuditOutputs.AUDIT, CommandRecords.refused(command));
    }

    /**
     * Carries out an accepted command.
     *
     * @return the code of the error it went to instead, {@code null} if it was carried out
     */
    private String route(ControlCommand command, Context ctx, Collector<ControlCommand> out) {
        if (command.getType() == ControlCommandType.RULE_SET && command.getRuleSet() != null) {
            try {
                checkVersion(command.getRuleSet(), RuleSetParser.parse(command.getRuleSet()));
                LOG.info(
                        "rule set version {} received ({})",
                        command.getRuleSet().getVersion(),
                        command.getCommandId());
                out.collect(command);
            } catch (RuleSetException e) {
                LOG.warn("rule set {} rejected: {}", command.getCommandId(), e.getMessage());
                ctx.output(
                        ErrorOutputs.ERRORS,
                        error(
                                command,
                                ValidationCodes.RULE_SET_INVALID,
                                "rule set version "
                                        + command.getRuleSet().getVersion()
                                        + " was rejected and the one in force stays: "
                                        + String.join("; ", e.problems())
                                        + "; fix the rule file and publish it again",
                                command.getRuleSet().getRules()));
                return ValidationCodes.RULE_SET_INVALID;
            }
        } else if (command.getType() == ControlCommandType.REPLAY && command.getReplay() != null) {
            ctx.output(
                    REPLAYS,
                    ChangeEvent.newBuilder(command.getReplay())
                            .setReplayOf(command.getReplayedErrorId())
                            .build());
        } else if (command.getType() == ControlCommandType.CONFLICT_DECISION
                && isComplete(command.getDecision())) {
            LOG.info(
                    "decision {} of conflict {} received ({})",
                    command.getDecision().getPick(),
                    command.getDecision().getConflictId(),
                    command.getCommandId());
            ctx.output(
                    DECISIONS,
                    ConflictDecision.newBuilder(command.getDecision())
                            .setDecidedBy(command.getIssuedBy())
                            .build());
        } else if (command.getType() == ControlCommandType.RESYNC && command.getResync() != null) {
            LOG.info(
                    "re-sync of {} {} received ({})",
                    command.getResync().getTenant(),
                    command.getResync().getEntityType(),
                    command.getCommandId());
            ctx.output(RESYNCS, command);
        } else if (command.getType() == ControlCommandType.ERASE && command.getErasure() != null) {
            LOG.info(
                    "erasure of a subject of tenant {} received ({})",
                    command.getErasure().getTenant(),
                    command.getCommandId());
            ctx.output(ERASURES, command);
        } else if (command.getType() == ControlCommandType.KEY_ROTATION
                && command.getKeyRotation() != null) {
            LOG.info(
                    "data key {} version {} of tenant {} received ({})",
                    command.getKeyRotation().getKeyId(),
                    command.getKeyRotation().getVersion(),
                    command.getKeyRotation().getTenant(),
                    command.getCommandId());
            ctx.output(KEY_ROTATIONS, command);
        } else {
            ctx.output(
                    ErrorOutputs.ERRORS,
                    error(
                            command,
                            ErrorCodes.CONTROL_COMMAND_INVALID,
                            "control command "
                                    + command.getCommandId()
                                    + " of type "
                                    + command.getType()
                                    + " was ignored: "
                                    + whyIgnored(command)
                                    + "; publish commands with 'syncline rules publish',"
                                    + " 'syncline errors replay', 'syncline conflicts"
                                    + " resolve' or 'syncline resync'",
                            command.toString()));
            return ErrorCodes.CONTROL_COMMAND_INVALID;
        }
        return null;
    }

    /** A decision to merge must carry the image to apply. */
    private static boolean isComplete(ConflictDecision decision) {
        return decision != null
                && (decision.getPick() != ConflictPick.MERGED || decision.getMerged() != null);
    }

    /**
     * The job orders rule sets by the document's version and stamps changes with the rule file's,
     * so they must agree.
     */
    private static void checkVersion(RuleSetDocument document, RuleSet ruleSet) {
        if (document.getVersion() != ruleSet.version()) {
            throw new RuleSetException(
                    List.of(
                            "version: the rule file says "
                                    + ruleSet.version()
                                    + " but it was published as version "
                                    + document.getVersion()
                                    + "; publish it with 'syncline rules publish', which takes the"
                                    + " version from the file"));
        }
    }

    /** An unreadable command carries the reason in issuedBy; otherwise issuedBy is a person. */
    private static String whyIgnored(ControlCommand command) {
        return switch (command.getType()) {
            case RULE_SET -> "it carries no rule set";
            case REPLAY -> "it carries no change to replay";
            case CONFLICT_DECISION ->
                    command.getDecision() == null
                            ? "it carries no decision"
                            : "its decision of conflict "
                                    + command.getDecision().getConflictId()
                                    + " picks MERGED but carries no merged image";
            case RESYNC -> "it carries no re-sync request";
            case ERASE -> "it carries no erasure request";
            case KEY_ROTATION -> "it carries no key rotation";
            case UNKNOWN ->
                    command.getIssuedBy() == null
                            ? "its type is unknown to this version of syncline"
                            : command.getIssuedBy();
        };
    }

    private static ErrorRecord error(
            ControlCommand command, String code, String message, String payload) {
        ErrorRecord.Builder builder =
                ErrorRecords.permanent(ErrorRecord.newBuilder(), STAGE, code, message)
                        .setSourceId("control")
                        .setSourcePosition(command.getCommandId());
        Instant time = command.getIssuedAt() == null ? Instant.EPOCH : command.getIssuedAt();
        return ErrorRecords.build(builder, payload, time);
    }
}
