package io.syncline.jobs.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.control.ConflictsStore;
import io.syncline.jobs.control.ConflictsStore.ConflictFilter;
import io.syncline.jobs.control.ConflictsStore.StoredConflict;
import io.syncline.jobs.control.ControlTopicPublisher;
import io.syncline.jobs.control.SigningKey;
import io.syncline.operators.resolve.ConflictsTable;
import io.syncline.operators.validate.FieldValues;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ConflictPick;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code syncline conflicts}: works through the conflicts table in the target database: lists
 * conflicts, shows both versions of one side by side, and decides a parked one by publishing the
 * decision on the control topic, for the running job to apply.
 */
@Command(
        name = "conflicts",
        description =
                "List or show the conflicts the sync job stored in the target database's"
                        + " conflicts table, and decide the open (parked) ones.",
        subcommands = {
            ConflictsCommand.ListConflicts.class,
            ConflictsCommand.ShowConflict.class,
            ConflictsCommand.ResolveConflict.class
        })
public final class ConflictsCommand extends CommandGroup {

    private static final String NO_VALUE = "-";

    public ConflictsCommand() {
        super("list, show or resolve");
    }

    /** The common part of the subcommands: load the configuration, open the conflicts table. */
    abstract static class ConflictsSubcommand extends TableSubcommand<ConflictsStore> {

        ConflictsSubcommand() {
            super(
                    "conflicts",
                    "conflictsTable",
                    ConflictsStore::open,
                    "run the command again once the database is back");
        }

        /** The conflict with {@code id}, or null after saying there is none. */
        StoredConflict find(ConflictsStore store, String id) throws SQLException {
            StoredConflict conflict = store.find(id).orElse(null);
            if (conflict == null) {
                err().println(
                                "syncline: no conflict with id '"
                                        + id
                                        + "' in "
                                        + store.table().qualifiedName()
                                        + "; list them with: syncline conflicts list --status all");
            }
            return conflict;
        }
    }

    @Command(
            name = "list",
            description = "List conflicts as a table, oldest first, with a count.",
            sortOptions = false)
    static final class ListConflicts extends ConflictsSubcommand {

        @Option(
                names = "--status",
                defaultValue = ConflictsTable.OPEN,
                paramLabel = "<status>",
                description = "open, resolved or all (default: ${DEFAULT-VALUE}).")
        String status;

        @Option(names = "--tenant", paramLabel = "<tenant>", description = "Only this tenant.")
        String tenant;

        @Option(
                names = "--entity",
                paramLabel = "<entity type>",
                description = "Only this entity type, e.g. customer.")
        String entityType;

        @Mixin LimitOption limit;

        @Override
        void checkArguments() {
            checkListArguments(status, ConflictsTable.STATUSES, limit);
        }

        @Override
        int run(SynclineConfig config, ConflictsStore store) throws SQLException {
            ConflictFilter filter =
                    new ConflictFilter(status.equals("all") ? null : status, tenant, entityType);
            List<StoredConflict> conflicts = store.list(filter, limit.value);
            int total = conflicts.size() < limit.value ? conflicts.size() : store.count(filter);
            if (!conflicts.isEmpty()) {
                List<List<String>> rows = new ArrayList<>();
                rows.add(
                        List.of(
                                "ID",
                                "DETECTED",
                                "TENANT",
                                "ENTITY",
                                "STRATEGY",
                                "STATUS",
                                "OUTCOME",
                                "LEFT",
                                "RIGHT",
                                "DECISION"));
                for (StoredConflict conflict : conflicts) {
                    rows.add(
                            List.of(
                                    conflict.conflictId(),
                                    time(conflict.detectedAt()),
                                    conflict.tenant(),
                                    conflict.entityType() + "/" + conflict.entityId(),
                                    conflict.strategy(),
                                    conflict.status(),
                                    conflict.outcome(),
                                    conflict.leftSource(),
                                    conflict.rightSource(),
                                    orDash(conflict.decision())));
                }
                printTable(rows);
            }
            printCount(conflicts.size(), total, status, "conflict");
            return 0;
        }
    }

    @Command(
            name = "show",
            description =
                    "Print a conflict: its strategy, status and decision, and both versions side"
                            + " by side, with the fields that differ marked *.",
            sortOptions = false)
    static final class ShowConflict extends ConflictsSubcommand {

        @Parameters(index = "0", paramLabel = "<id>", description = "The conflict's id.")
        String id;

        @Override
        int run(SynclineConfig config, ConflictsStore store) throws SQLException {
            StoredConflict conflict = find(store, id);
            if (conflict == null) {
                return SynclineCli.FAILED;
            }
            Map<String, String> columns = new LinkedHashMap<>();
            columns.put(ConflictsTable.CONFLICT_ID, conflict.conflictId());
            columns.put(ConflictsTable.STATUS, conflict.status());
            columns.put(ConflictsTable.STRATEGY, conflict.strategy());
            columns.put(ConflictsTable.OUTCOME, conflict.outcome());
            columns.put(ConflictsTable.TENANT, conflict.tenant());
            columns.put(ConflictsTable.ENTITY_TYPE, conflict.entityType());
            columns.put(ConflictsTable.ENTITY_ID, conflict.entityId());
            columns.put(ConflictsTable.DETECTED_AT, time(conflict.detectedAt()));
            columns.put(ConflictsTable.DECIDED_AT, time(conflict.decidedAt()));
            columns.put(ConflictsTable.DECIDED_BY, orDash(conflict.decidedBy()));
            columns.put(ConflictsTable.DECISION, orDash(conflict.decision()));
            printColumns(columns);
            out().println();
            if (conflict.changeProblem() != null) {
                out().println("(" + conflict.changeProblem() + ")");
                out().println(ConflictsTable.LEFT_SOURCE + ": " + conflict.leftSource());
                out().println(ConflictsTable.RIGHT_SOURCE + ": " + conflict.rightSource());
                return 0;
            }
            printVersions(conflict);
            out().println();
            printFields(conflict);
            if (conflict.isOpen()) {
                out().println();
                out().println(
                                "decide it with: syncline conflicts resolve "
                                        + conflict.conflictId()
                                        + " --pick left|right|<merged.json>");
            }
            return 0;
        }

        private void printVersions(StoredConflict conflict) {
            ChangeEvent left = conflict.left();
            ChangeEvent right = conflict.right();
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("", "LEFT (applied)", "RIGHT (competing)"));
            rows.add(List.of("source", left.getSourceId(), right.getSourceId()));
            rows.add(List.of("committed_at", time(left), time(right)));
            rows.add(List.of("position", left.getSourcePosition(), right.getSourcePosition()));
            rows.add(List.of("op", left.getOp().name(), right.getOp().name()));
            rows.add(List.of("event_id", left.getEventId(), right.getEventId()));
            printTable(rows);
        }

        private void printFields(StoredConflict conflict) {
            Map<String, FieldValue> left = conflict.left().getAfter();
            Map<String, FieldValue> right = conflict.right().getAfter();
            Map<String, String> result = resultTexts(conflict.resultJson());
            TreeSet<String> fields = new TreeSet<>();
            fields.addAll(left == null ? List.of() : left.keySet());
            fields.addAll(right == null ? List.of() : right.keySet());
            fields.addAll(result == null ? List.of() : result.keySet());
            List<List<String>> rows = new ArrayList<>();
            List<String> header = new ArrayList<>(List.of("", "FIELD", "LEFT", "RIGHT"));
            if (result != null) {
                header.add("RESULT");
            }
            rows.add(header);
            int differing = 0;
            for (String field : fields) {
                String leftText = valueText(left, field);
                String rightText = valueText(right, field);
                boolean differs = !leftText.equals(rightText);
                differing += differs ? 1 : 0;
                List<String> row =
                        new ArrayList<>(List.of(differs ? "*" : "", field, leftText, rightText));
                if (result != null) {
                    row.add(result.containsKey(field) ? display(result.get(field)) : NO_VALUE);
                }
                rows.add(row);
            }
            printTable(rows);
            out().println();
            out().println(
                            differing
                                    + " of "
                                    + plural(fields.size(), "field")
                                    + " differ (marked *)");
        }

        /**
         * A version's value of {@code field}: (deleted) for a delete, - when it has no such field.
         */
        private static String valueText(Map<String, FieldValue> image, String field) {
            if (image == null) {
                return "(deleted)";
            }
            if (!image.containsKey(field)) {
                return NO_VALUE;
            }
            return display(FieldValues.text(image.get(field)));
        }

        private static Map<String, String> resultTexts(String json) {
            if (json == null) {
                return null;
            }
            try {
                Map<String, String> texts = new TreeMap<>();
                JsonNode result = MergedImage.MAPPER.readTree(json);
                result.fields()
                        .forEachRemaining(
                                e ->
                                        texts.put(
                                                e.getKey(),
                                                e.getValue().isNull()
                                                        ? null
                                                        : e.getValue().asText()));
                return texts;
            } catch (JsonProcessingException e) {
                // Postgres hands back the jsonb it accepted, so this cannot happen.
                throw new IllegalStateException("the stored result is not JSON: " + json, e);
            }
        }

        private static String display(String text) {
            return text == null ? "NULL" : text.replace("\n", "\\n").replace("\t", "\\t");
        }
    }

    @Command(
            name = "resolve",
            description =
                    "Decide an open (parked) conflict: publish the decision on the control topic"
                            + " for the running job, which applies it, releases the entity's"
                            + " waiting changes and records the conflict as resolved.",
            sortOptions = false)
    static final class ResolveConflict extends ConflictsSubcommand {

        @Parameters(index = "0", paramLabel = "<id>", description = "The conflict's id.")
        String id;

        @Option(
                names = "--pick",
                required = true,
                paramLabel = "left|right|<merged.json>",
                description =
                        "left: keep the applied version. right: apply the competing version. Or"
                                + " the path of a JSON file with an object of field to value:"
                                + " apply the applied version with those fields replaced (values"
                                + " are converted to the fields' kinds; null is SQL NULL).")
        String pick;

        @Mixin SigningOptions signing;

        @Override
        void checkArguments() {
            if (pickOf(pick) == ConflictPick.MERGED && !Files.isRegularFile(Path.of(pick))) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--pick '"
                                + pick
                                + "' is neither left nor right, and there is no file "
                                + Path.of(pick).toAbsolutePath()
                                + "; pass left, right or the path of a JSON object of field to"
                                + " value");
            }
        }

        @Override
        int run(SynclineConfig config, ConflictsStore store) throws SQLException {
            SigningKey key = signing.key(config, ControlCommandType.CONFLICT_DECISION);
            StoredConflict conflict = find(store, id);
            if (conflict == null) {
                return SynclineCli.FAILED;
            }
            if (!conflict.isOpen()) {
                err().println(
                                "syncline: conflict "
                                        + id
                                        + " is already "
                                        + conflict.status()
                                        + ": "
                                        + howDecided(conflict)
                                        + "; a conflict is decided once, so nothing was"
                                        + " published");
                return SynclineCli.BAD_ARGUMENT;
            }
            ConflictPick chosen = pickOf(pick);
            Map<String, FieldValue> merged = null;
            if (chosen == ConflictPick.MERGED) {
                if (conflict.changeProblem() != null) {
                    err().println(
                                    "syncline: cannot merge conflict "
                                            + id
                                            + ": "
                                            + conflict.changeProblem()
                                            + "; decide it with --pick left or --pick right");
                    return SynclineCli.FAILED;
                }
                try {
                    merged = MergedImage.read(Path.of(pick), conflict);
                } catch (MergedImage.InvalidMergedImageException e) {
                    err().println("syncline: " + e.getMessage() + "; nothing was published");
                    return SynclineCli.BAD_ARGUMENT;
                }
            }
            ConflictDecision decision =
                    ConflictDecision.newBuilder()
                            .setConflictId(conflict.conflictId())
                            .setTenant(conflict.tenant())
                            .setEntityType(conflict.entityType())
                            .setEntityId(conflict.entityId())
                            .setPick(chosen)
                            .setMerged(merged)
                            .build();
            String commandId;
            try (ControlTopicPublisher publisher =
                    new ControlTopicPublisher(config.sinks().kafka(), Clock.systemUTC(), key)) {
                commandId =
                        publisher.publishDecision(
                                decision,
                                "syncline conflicts resolve by " + SigningOptions.issuer(key));
                publisher.flush();
            }
            if (merged != null) {
                out().println(
                                "merged image (fields "
                                        + pick
                                        + " leaves out keep the applied version's values):");
                List<List<String>> rows = new ArrayList<>();
                for (Map.Entry<String, FieldValue> field : new TreeMap<>(merged).entrySet()) {
                    String text = FieldValues.text(field.getValue());
                    rows.add(
                            List.of(
                                    "  " + field.getKey(),
                                    text == null ? "NULL" : text,
                                    field.getValue().getKind().name()));
                }
                printTable(rows);
            }
            out().println(
                            "published "
                                    + commandId
                                    + " to control topic "
                                    + config.sinks().kafka().controlTopic()
                                    + ": conflict "
                                    + conflict.conflictId()
                                    + " of "
                                    + conflict.tenant()
                                    + "/"
                                    + conflict.entityType()
                                    + "/"
                                    + conflict.entityId()
                                    + ", pick "
                                    + chosen
                                    + " ("
                                    + describe(chosen, conflict)
                                    + ")");
            out().println(
                            "the running job applies it: it writes the chosen version to the"
                                    + " targets, releases the entity's waiting changes and records"
                                    + " the conflict as resolved; check with: syncline conflicts"
                                    + " show "
                                    + conflict.conflictId());
            return 0;
        }

        private static ConflictPick pickOf(String pick) {
            return switch (pick.toLowerCase(Locale.ROOT)) {
                case "left" -> ConflictPick.LEFT;
                case "right" -> ConflictPick.RIGHT;
                default -> ConflictPick.MERGED;
            };
        }

        private static String describe(ConflictPick pick, StoredConflict conflict) {
            return switch (pick) {
                case LEFT -> "keep the applied version, from " + conflict.leftSource();
                case RIGHT -> "apply the competing version, from " + conflict.rightSource();
                case MERGED -> "apply the merged image";
            };
        }

        private static String howDecided(StoredConflict conflict) {
            StringBuilder how = new StringBuilder();
            how.append(
                    conflict.decision() == null
                            ? "outcome " + conflict.outcome()
                            : "decision " + conflict.decision());
            if (conflict.decidedBy() != null) {
                how.append(" by ").append(conflict.decidedBy());
            }
            if (conflict.decidedAt() != null) {
                how.append(" at ").append(time(conflict.decidedAt()));
            }
            return how.toString();
        }
    }

    /**
     * Reads a merged image from a JSON object of field to value: every field must be one of the
     * conflict's versions, and its value is converted to the kind the versions give the field.
     * Fields the file leaves out keep the applied (left) version's values, so the targets get a
     * whole row.
     */
    static final class MergedImage {

        static final ObjectMapper MAPPER =
                new ObjectMapper()
                        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

        private static final long MICROS_PER_SECOND = 1_000_000L;

        private MergedImage() {}

        /**
         * The merged image {@code file} describes for {@code conflict}.
         *
         * @throws InvalidMergedImageException naming the file and the field at fault
         */
        static Map<String, FieldValue> read(Path file, StoredConflict conflict) {
            JsonNode root;
            try {
                root = MAPPER.readTree(Files.readString(file));
            } catch (JsonProcessingException e) {
                throw new InvalidMergedImageException(
                        file
                                + " is not valid JSON: "
                                + e.getOriginalMessage()
                                + "; write an object of field to value, e.g. {\"email\":"
                                + " \"ada@example.com\"}");
            } catch (IOException e) {
                throw new InvalidMergedImageException(
                        "cannot read " + file + ": " + e.getMessage());
            }
            if (root == null || !root.isObject()) {
                throw new InvalidMergedImageException(
                        file
                                + " is not a JSON object; write an object of field to value, e.g."
                                + " {\"email\": \"ada@example.com\"}");
            }
            if (root.isEmpty()) {
                throw new InvalidMergedImageException(
                        file + " names no field; to keep the applied version use --pick" + " left");
            }
            Map<String, FieldKind> kinds = kinds(conflict);
            Map<String, FieldValue> image = new LinkedHashMap<>(base(conflict));
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                FieldKind kind = kinds.get(field.getKey());
                if (kind == null) {
                    throw new InvalidMergedImageException(
                            file
                                    + ": field '"
                                    + field.getKey()
                                    + "' is in neither version of conflict "
                                    + conflict.conflictId()
                                    + "; its fields are "
                                    + String.join(", ", new TreeSet<>(kinds.keySet())));
                }
                image.put(field.getKey(), convert(file, field.getKey(), kind, field.getValue()));
            }
            return image;
        }

        /** Each field's kind: the applied version's, else the competing one's. */
        private static Map<String, FieldKind> kinds(StoredConflict conflict) {
            Map<String, FieldKind> kinds = new TreeMap<>();
            for (ChangeEvent version : List.of(conflict.right(), conflict.left())) {
                Map<String, FieldValue> image =
                        version.getAfter() != null ? version.getAfter() : version.getBefore();
                if (image != null) {
                    image.forEach(
                            (field, value) -> {
                                if (value.getKind() != FieldKind.UNKNOWN
                                        || !kinds.containsKey(field)) {
                                    kinds.put(field, value.getKind());
                                }
                            });
                }
            }
            return kinds;
        }

        /** The image the merged fields replace values in: the applied version's, if it has one. */
        private static Map<String, FieldValue> base(StoredConflict conflict) {
            if (conflict.left().getAfter() != null) {
                return conflict.left().getAfter();
            }
            return conflict.right().getAfter() != null ? conflict.right().getAfter() : Map.of();
        }

        static FieldValue convert(Path file, String field, FieldKind kind, JsonNode node) {
            if (node.isNull()) {
                return new FieldValue(kind, null);
            }
            try {
                Object value =
                        switch (kind) {
                            case BOOLEAN -> bool(node);
                            case INT -> integral(node).intValueExact();
                            case LONG -> integral(node).longValueExact();
                            case FLOAT -> finite(number(node).floatValue());
                            case DOUBLE -> finite(number(node).doubleValue());
                            case DECIMAL -> number(node).toPlainString();
                            case STRING -> scalar(node);
                            case BYTES -> bytes(scalar(node));
                            case DATE -> Math.toIntExact(LocalDate.parse(text(node)).toEpochDay());
                            case TIME -> micros(LocalTime.parse(text(node)).toNanoOfDay());
                            case TIMESTAMP -> timestamp(LocalDateTime.parse(text(node)));
                            case TIMESTAMP_TZ -> instant(text(node)).toString();
                            case JSON -> json(node);
                            case UUID -> UUID.fromString(text(node)).toString();
                            case UNKNOWN -> natural(node);
                        };
                return new FieldValue(kind, value);
            } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
                throw new InvalidMergedImageException(
                        file
                                + ": field '"
                                + field
                                + "' is "
                                + kind
                                + ", and "
                                + node
                                + " cannot be one; "
                                + expected(kind));
            }
        }

        private static String expected(FieldKind kind) {
            return switch (kind) {
                case BOOLEAN -> "write true or false";
                case INT, LONG -> "write a whole number in the column's range";
                case FLOAT, DOUBLE, DECIMAL -> "write a number, e.g. 12.50";
                case STRING -> "write a string";
                case BYTES -> "write the bytes in hex, e.g. \"0x00ff\"";
                case DATE -> "write an ISO date, e.g. \"2024-05-01\"";
                case TIME -> "write an ISO time, e.g. \"13:45:00\"";
                case TIMESTAMP -> "write an ISO date and time, e.g. \"2024-05-01T13:45:00\"";
                case TIMESTAMP_TZ -> "write an ISO instant, e.g. \"2024-05-01T13:45:00Z\"";
                case JSON -> "write any JSON value, or its text as a string";
                case UUID -> "write a UUID, e.g. \"123e4567-e89b-12d3-a456-426614174000\"";
                case UNKNOWN -> "write a string, number or boolean";
            };
        }

        private static boolean bool(JsonNode node) {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            String text = text(node);
            if (text.equals("true") || text.equals("false")) {
                return Boolean.parseBoolean(text);
            }
            throw new IllegalArgumentException("not a boolean");
        }

        private static BigDecimal number(JsonNode node) {
            if (node.isNumber()) {
                return node.decimalValue();
            }
            return new BigDecimal(text(node).strip());
        }

        private static BigInteger integral(JsonNode node) {
            return number(node).toBigIntegerExact();
        }

        private static float finite(float value) {
            if (!Float.isFinite(value)) {
                throw new ArithmeticException("out of range");
            }
            return value;
        }

        private static double finite(double value) {
            if (!Double.isFinite(value)) {
                throw new ArithmeticException("out of range");
            }
            return value;
        }

        /** A string's text; other JSON is not taken as text. */
        private static String text(JsonNode node) {
            if (!node.isTextual()) {
                throw new IllegalArgumentException("not a string");
            }
            return node.textValue();
        }

        /** A string's text, or a number's or boolean's as written. */
        private static String scalar(JsonNode node) {
            if (!node.isValueNode()) {
                throw new IllegalArgumentException("not a scalar");
            }
            return node.isTextual() ? node.textValue() : node.asText();
        }

        private static ByteBuffer bytes(String text) {
            String hex = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
            return ByteBuffer.wrap(HexFormat.of().parseHex(hex));
        }

        private static long micros(long nanos) {
            if (nanos % 1000 != 0) {
                throw new ArithmeticException("finer than microseconds");
            }
            return nanos / 1000;
        }

        private static long timestamp(LocalDateTime time) {
            Instant instant = time.toInstant(ZoneOffset.UTC);
            if (instant.getNano() % 1000 != 0) {
                throw new ArithmeticException("finer than microseconds");
            }
            return Math.addExact(
                    Math.multiplyExact(instant.getEpochSecond(), MICROS_PER_SECOND),
                    instant.getNano() / 1000L);
        }

        private static Instant instant(String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeException notInstant) {
                return OffsetDateTime.parse(text).toInstant();
            }
        }

        private static String json(JsonNode node) throws IllegalArgumentException {
            if (!node.isTextual()) {
                return node.toString();
            }
            try {
                MAPPER.readTree(node.textValue());
                return node.textValue();
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not JSON text", e);
            }
        }

        private static Object natural(JsonNode node) {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return node.longValue();
            }
            if (node.isNumber()) {
                return node.doubleValue();
            }
            return scalar(node);
        }

        /** A merged image that cannot be applied; the message names the file and the field. */
        static final class InvalidMergedImageException extends RuntimeException {

            private static final long serialVersionUID = 1L;

            InvalidMergedImageException(String message) {
                super(message);
            }
        }
    }

    // ---- formatting

    private static String time(Instant instant) {
        return instant == null ? NO_VALUE : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static String time(ChangeEvent version) {
        return time(version.getSourceCommitTime());
    }
}
