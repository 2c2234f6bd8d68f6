package io.syncline.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.operators.alert.AlertThresholds;
import io.syncline.operators.alert.notify.Channel;
import io.syncline.operators.alert.notify.EmailSettings;
import io.syncline.operators.alert.notify.NotifierRouting;
import io.syncline.operators.alert.notify.NotifierSettings;
import io.syncline.operators.alert.notify.PagerDutySettings;
import io.syncline.operators.alert.notify.SlackSettings;
import io.syncline.operators.alert.notify.SmsSettings;
import io.syncline.operators.quality.LatencyTargets;
import io.syncline.operators.quality.QualityWindows;
import io.syncline.operators.quality.SyncClass;
import io.syncline.operators.resolve.ConflictPolicy;
import io.syncline.operators.resolve.ConflictResolver;
import io.syncline.operators.resolve.ConflictStrategy;
import io.syncline.operators.resolve.FieldPolicy;
import io.syncline.operators.resolve.examples.HighestValueWins;
import io.syncline.operators.retry.CircuitBreakerSettings;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.validate.RuleSetException;
import io.syncline.schema.AlertSeverity;
import io.syncline.schema.RuleSetDocument;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Binds the configuration tree to the records, applying the defaults and checking each value and
 * the rules between values. Problems are collected; records built despite problems are never
 * returned, because {@link ConfigLoader} throws first.
 */
final class ConfigBinder {

    private static final String DEFAULT_JOB_NAME = "syncline";
    private static final int DEFAULT_PARALLELISM = 1;
    private static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    private static final Duration MIN_CHECKPOINT_INTERVAL = Duration.ofMillis(100);
    private static final Duration DEFAULT_CHECKPOINT_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration DEFAULT_CHECKPOINT_MIN_PAUSE = Duration.ZERO;
    private static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    private static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(1);
    private static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    private static final Duration DEFAULT_RESET_BACKOFF_THRESHOLD = Duration.ofHours(1);
    private static final double DEFAULT_JITTER_FACTOR = 0.1;
    private static final String POSTGRES = "postgres";
    private static final int DEFAULT_POSTGRES_PORT = 5432;
    private static final String NAME_PREFIX = "syncline_";
    private static final List<String> STARTUP_MODES = List.of("initial", "latest");
    private static final String DEFAULT_CHANGE_TOPIC = "syncline.changes";
    private static final String DEFAULT_ERROR_TOPIC = "syncline.errors";
    private static final String DEFAULT_CONTROL_TOPIC = "syncline.control";
    private static final String DEFAULT_CONFLICT_TOPIC = "syncline.conflicts";
    private static final String DEFAULT_ERRORS_TABLE = "syncline_errors";
    private static final String DEFAULT_CONFLICTS_TABLE = "syncline_conflicts";
    private static final String DEFAULT_QUALITY_METRICS_TABLE = "quality_metrics";
    private static final String DEFAULT_ALERTS_TABLE = "syncline_alerts";
    private static final String DEFAULT_QUALITY_TOPIC = "syncline.quality";
    private static final String DEFAULT_ALERT_TOPIC = "syncline.alerts";
    private static final String DEFAULT_AUDIT_TOPIC = "syncline.audit";
    private static final String DEFAULT_EVENT_TOPIC = "syncline.events";
    private static final String DEFAULT_AUDIT_TABLE = "syncline_audit";
    private static final Duration DEFAULT_OBSERVATION_MAX_DELAY = Duration.ofSeconds(10);
    private static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofMinutes(5);
    private static final double DEFAULT_READ_BACK_SAMPLE_RATE = 0.01;
    private static final Duration DEFAULT_READ_BACK_DELAY = Duration.ofSeconds(30);
    private static final int DEFAULT_PROMETHEUS_PORT = 9249;
    private static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
    private static final String DEFAULT_HEARTBEAT_TABLE = "public.syncline_heartbeat";
    private static final Duration DEFAULT_MAX_PARENT_WAIT = Duration.ofSeconds(30);
    private static final int DEFAULT_MAX_WAITING_CHILDREN = 10_000;
    private static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(5);
    // The brokers' default transaction.max.timeout.ms; a longer timeout fails the producer.
    private static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);
    private static final String JDBC_POSTGRES_PREFIX = "jdbc:postgresql://";
    private static final String DEFAULT_TARGET_SCHEMA = "public";
    private static final int DEFAULT_BATCH_SIZE = 500;
    private static final int MAX_BATCH_SIZE = 100_000;
    private static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofMillis(200);
    private static final RetryPolicy DEFAULT_TARGET_RETRY =
            RetryPolicy.ofRetries(5, Duration.ofMillis(200), Duration.ofSeconds(10), 2.0, 0.1);
    private static final int MAX_TARGET_RETRIES = 100;
    private static final Duration DEFAULT_DEDUP_TTL = Duration.ofHours(24);
    private static final Duration DEFAULT_MAX_OUT_OF_ORDER = Duration.ZERO;
    private static final int DEFAULT_MAX_PENDING_PER_ENTITY = 1000;
    private static final int DEFAULT_MAX_PARKED_PER_ENTITY = 100;
    private static final int DEFAULT_BACKFILL_CHUNK_SIZE = 1000;
    private static final int MAX_BACKFILL_CHUNK_SIZE = 100_000;
    private static final int DEFAULT_BACKFILL_ROWS_PER_SPLIT = 50_000;
    private static final Duration DEFAULT_BACKFILL_COMMIT_TIME_LAG = Duration.ofSeconds(10);
    private static final Set<ConflictStrategy> FIELD_STRATEGIES =
            EnumSet.of(ConflictStrategy.LAST_WRITER_WINS, ConflictStrategy.CUSTOM);
    private static final String EXAMPLE_RESOLVER = HighestValueWins.class.getName();

    // Ids and entity types end up in slot names, event ids and topic keys.
    private static final Pattern LOWER_IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]*");
    // PostgreSQL accepts only these characters in replication slot names.
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final int MAX_POSTGRES_NAME_LENGTH = 63;
    private static final String SQL_NAME = "[A-Za-z_][A-Za-z0-9_$]*";
    private static final Pattern TABLE_NAME =
            Pattern.compile("(?:" + SQL_NAME + "\\.)?" + SQL_NAME);
    private static final Pattern UNQUALIFIED_TABLE_NAME = Pattern.compile(SQL_NAME);
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    // Producer properties the sink sets itself from typed settings.
    private static final Map<String, String> MANAGED_KAFKA_PROPERTIES =
            Map.of(
                    "bootstrap.servers", "bootstrapServers",
                    "transactional.id", "transactionalIdPrefix",
                    "transaction.timeout.ms", "transactionTimeout");

    private final Problems problems;
    // Files the configuration names (certificates, keys) are relative to it.
    private final Path baseDirectory;

    private ConfigBinder(Problems problems, Path file) {
        this.problems = problems;
        Path parent = file.toAbsolutePath().getParent();
        this.baseDirectory = parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /** The bound configuration; {@code null} if the file is not a mapping at all. */
    static SynclineConfig bind(Path file, JsonNode tree, Problems problems) {
        if (!tree.isObject()) {
            problems.add(
                    "",
                    "the file must be a mapping of settings (job:, checkpoints:, restart:,"
                            + " tenants:, sources:, sinks:), not "
                            + (tree.isArray()
                                    ? "a list"
                                    : "the single value '" + tree.asText() + "'")
                            + "; see deploy/config/syncline.yaml");
            return null;
        }
        return new ConfigBinder(problems, file).config(file, tree, ConfigNode.root(tree, problems));
    }

    /** {@code file://<java.io.tmpdir>/syncline/checkpoints}: works out of the box, not durable. */
    static String defaultCheckpointDirectory() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        return "file://" + tmp.resolve("syncline").resolve("checkpoints");
    }

    private SynclineConfig config(Path file, JsonNode tree, ConfigNode root) {
        JobSettings job = job(root.get("job"));
        CheckpointSettings checkpoints = checkpoints(root.get("checkpoints"));
        RestartSettings restart = restart(root.get("restart"));
        List<String> tenants = tenants(root.get("tenants"));
        List<BoundSource> boundSources = sources(root.require("sources", sourceExample()), tenants);
        List<SourceConfig> sources = postgresSources(boundSources);
        List<ChangeSourceConfig> otherSources = otherSources(boundSources);
        SinkSettings sinks =
                sinks(root.require("sinks", "{kafka: {...}, target: {...}}"), job, checkpoints);
        ValidationSettings validation = validation(file, root.get("validation"));
        ConsistencySettings consistency =
                consistency(root.get("consistency"), tree.path("consistency"));
        AlertSettings alerts = alerts(root.get("alerts"));
        ObservabilitySettings observability = observability(root.get("observability"), alerts);
        BackfillSettings backfill = backfill(root.get("backfill"), job);
        SecuritySettings security =
                SecurityBinder.bind(
                        root.get("security"),
                        tree.path("security"),
                        entityTypes(boundSources),
                        file.toAbsolutePath().getParent());
        EventStoreSettings eventStore =
                eventStore(root.get("eventStore"), security.retention().changes());
        root.rejectUnknownKeys();
        return new SynclineConfig(
                file,
                job,
                checkpoints,
                restart,
                sources,
                otherSources,
                boundSources.stream().map(b -> b.id() == null ? "" : b.id()).toList(),
                tenants,
                sinks,
                validation,
                consistency,
                observability,
                alerts,
                backfill,
                security,
                eventStore);
    }

    /** The event store; its retention defaults to the changes' ({@code security.retention}). */
    private static EventStoreSettings eventStore(ConfigNode node, Duration changesRetention) {
        boolean enabled = node.get("enabled").bool(true);
        ConfigNode retentionNode = node.get("retention");
        Duration retention = retentionNode.duration(changesRetention);
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            retentionNode.problem(
                    "must be at least 1d, was "
                            + Durations.format(retention)
                            + "; a replay can only go back as far as the event topic keeps"
                            + " events; write e.g. 7y (the default is"
                            + " security.retention.changes)");
            retention = changesRetention;
        }
        ConfigNode compressionNode = node.get("compression");
        String compression = compressionNode.text(EventStoreSettings.DEFAULT_COMPRESSION);
        if (!EventStoreSettings.COMPRESSIONS.contains(compression)) {
            compressionNode.problem(
                    "'"
                            + compression
                            + "' is not a Kafka compression type; use one of "
                            + String.join(", ", EventStoreSettings.COMPRESSIONS)
                            + " (the default, lz4, keeps events in about 40 % of their size)");
            compression = EventStoreSettings.DEFAULT_COMPRESSION;
        }
        node.rejectUnknownKeys();
        return new EventStoreSettings(enabled, retention, compression);
    }

    /** The entity types the sources' tables map to. */
    private static Set<String> entityTypes(List<BoundSource> sources) {
        Set<String> entityTypes = new java.util.TreeSet<>();
        sources.forEach(s -> s.tables().forEach(t -> entityTypes.add(t.entityType())));
        return entityTypes;
    }

    private JobSettings job(ConfigNode node) {
        String name = node.get("name").text(DEFAULT_JOB_NAME);
        if (name.isBlank()) {
            node.get("name").problem("must not be empty; e.g. " + DEFAULT_JOB_NAME);
        }
        // Flink's own upper limit for the maximum parallelism.
        int parallelism = node.get("parallelism").integer(DEFAULT_PARALLELISM, 1, 32_768);
        node.rejectUnknownKeys();
        return new JobSettings(name, parallelism);
    }

    private CheckpointSettings checkpoints(ConfigNode node) {
        ConfigNode intervalNode = node.get("interval");
        Duration interval = intervalNode.duration(DEFAULT_CHECKPOINT_INTERVAL);
        if (interval.compareTo(MIN_CHECKPOINT_INTERVAL) < 0) {
            intervalNode.problem(
                    "must be at least 100ms, was "
                            + Durations.format(interval)
                            + "; each checkpoint commits a Kafka transaction, so shorter"
                            + " intervals cost more than they gain");
        }
        ConfigNode timeoutNode = node.get("timeout");
        Duration timeout = timeoutNode.duration(DEFAULT_CHECKPOINT_TIMEOUT);
        requirePositive(timeoutNode, timeout);
        Duration minPause = node.get("minPause").duration(DEFAULT_CHECKPOINT_MIN_PAUSE);
        ConfigNode directoryNode = node.get("directory");
        String directory = directoryNode.text(defaultCheckpointDirectory());
        if (!directory.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            directoryNode.problem(
                    "'"
                            + directory
                            + "' is not a URI with a scheme; write e.g. file://"
                            + (directory.startsWith("/")
                                    ? directory
                                    : "/var/lib/syncline/checkpoints")
                            + " or s3://bucket/checkpoints");
        }
        node.rejectUnknownKeys();
        return new CheckpointSettings(interval, timeout, minPause, directory);
    }

    private RestartSettings restart(ConfigNode node) {
        ConfigNode initialNode = node.get("initialBackoff");
        Duration initialBackoff = initialNode.duration(DEFAULT_INITIAL_BACKOFF);
        requirePositive(initialNode, initialBackoff);
        ConfigNode maxNode = node.get("maxBackoff");
        Duration maxBackoff = maxNode.duration(DEFAULT_MAX_BACKOFF);
        if (!problems.has(initialNode.path()) && maxBackoff.compareTo(initialBackoff) < 0) {
            maxNode.problem(
                    "must not be shorter than initialBackoff ("
                            + Durations.format(initialBackoff)
                            + "), was "
                            + Durations.format(maxBackoff));
        }
        ConfigNode multiplierNode = node.get("backoffMultiplier");
        double multiplier = multiplierNode.decimal(DEFAULT_BACKOFF_MULTIPLIER);
        if (multiplier <= 1.0) {
            multiplierNode.problem(
                    "must be greater than 1 so that the pause grows, was "
                            + multiplier
                            + "; e.g. 2.0");
        }
        ConfigNode resetNode = node.get("resetBackoffThreshold");
        Duration resetThreshold = resetNode.duration(DEFAULT_RESET_BACKOFF_THRESHOLD);
        requirePositive(resetNode, resetThreshold);
        ConfigNode jitterNode = node.get("jitterFactor");
        double jitter = jitterNode.decimal(DEFAULT_JITTER_FACTOR);
        if (jitter < 0.0 || jitter > 1.0) {
            jitterNode.problem("must be between 0 and 1, was " + jitter + "; e.g. 0.1");
        }
        node.rejectUnknownKeys();
        return new RestartSettings(initialBackoff, maxBackoff, multiplier, resetThreshold, jitter);
    }

    private List<String> tenants(ConfigNode node) {
        List<String> tenants = node.texts();
        reportDuplicates(node, tenants, "tenant");
        return tenants;
    }

    /** A bound entry of {@code sources:}: a Postgres source or a source of another type. */
    private record BoundSource(ConfigNode node, SourceConfig postgres, ChangeSourceConfig other) {

        /** {@code null} when the source's type is unknown. */
        String id() {
            return postgres != null ? postgres.id() : other == null ? null : other.id();
        }

        List<TableMapping> tables() {
            return postgres != null
                    ? postgres.tables()
                    : other == null ? List.of() : other.tables();
        }
    }

    private List<BoundSource> sources(ConfigNode node, List<String> tenants) {
        List<ConfigNode> elements = node.elements();
        if (elements.isEmpty() && !node.isAbsent() && !problems.has(node.path())) {
            node.problem("at least one source is required; e.g. " + sourceExample());
        }
        List<BoundSource> sources = new ArrayList<>();
        for (ConfigNode element : elements) {
            sources.add(source(element, tenants));
        }
        List<SourceConfig> postgres = postgresSources(sources);
        checkUniqueSourceIds(sources);
        checkUniqueSlots(postgresNodes(sources), postgres);
        checkTableSettings(sources);
        checkWriteBackHasPeers(sources);
        return sources;
    }

    private static List<SourceConfig> postgresSources(List<BoundSource> sources) {
        return sources.stream().map(BoundSource::postgres).filter(Objects::nonNull).toList();
    }

    private static List<ConfigNode> postgresNodes(List<BoundSource> sources) {
        return sources.stream().filter(s -> s.postgres() != null).map(BoundSource::node).toList();
    }

    private static List<ChangeSourceConfig> otherSources(List<BoundSource> sources) {
        return sources.stream().map(BoundSource::other).filter(Objects::nonNull).toList();
    }

    private BoundSource source(ConfigNode node, List<String> tenants) {
        ConfigNode idNode = node.get("id");
        String id = idNode.requiredText("crm");
        if (id != null && !LOWER_IDENTIFIER.matcher(id).matches()) {
            idNode.problem(
                    "'"
                            + id
                            + "' is not a valid source id: use lower-case letters, digits and"
                            + " underscores, starting with a letter, e.g. crm");
        }
        ConfigNode typeNode = node.get("type");
        String type = typeNode.text(POSTGRES);
        if (POSTGRES.equals(type)) {
            return new BoundSource(node, postgresSource(node, id, idNode, tenants), null);
        }
        SourceBinder binder = SourceBinders.of(type);
        if (binder == null) {
            typeNode.problem(
                    "unsupported source type '"
                            + type
                            + "'; supported types: "
                            + POSTGRES
                            + ", "
                            + String.join(", ", SourceBinders.types()));
            return new BoundSource(node, null, null);
        }
        int priority = node.get("priority").integer(0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        boolean idValid = id != null && !problems.has(idNode.path());
        SourceContext context =
                new SourceContext(
                        idValid ? id : null,
                        priority,
                        baseDirectory,
                        table -> table(table, tenants));
        return new BoundSource(node, null, binder.bind(node, context));
    }

    private SourceConfig postgresSource(
            ConfigNode node, String id, ConfigNode idNode, List<String> tenants) {
        String type = POSTGRES;
        String hostname = node.get("hostname").requiredText("db.example.com");
        int port = node.get("port").integer(DEFAULT_POSTGRES_PORT, 1, 65_535);
        String database = node.get("database").requiredText("crm");
        String username = node.get("username").requiredText("syncline");
        String password = node.get("password").text("");
        boolean idValid = id != null && !problems.has(idNode.path());
        String defaultName = idValid ? NAME_PREFIX + id : null;
        String slotName = postgresName(node.get("slotName"), defaultName, "replication slot");
        String publication = postgresName(node.get("publication"), defaultName, "publication");
        ConfigNode startupNode = node.get("startup");
        String startup = startupNode.text(STARTUP_MODES.get(0));
        if (!STARTUP_MODES.contains(startup)) {
            startupNode.problem(
                    "'"
                            + startup
                            + "' is not a startup mode; use initial (snapshot, then stream) or"
                            + " latest (stream changes from now on)");
        }
        ConfigNode tablesNode = node.require("tables", tableExample());
        List<TableMapping> tables = new ArrayList<>();
        for (ConfigNode table : tablesNode.elements()) {
            tables.add(table(table, tenants));
        }
        if (tables.isEmpty() && !tablesNode.isAbsent() && !problems.has(tablesNode.path())) {
            tablesNode.problem("at least one table is required; e.g. " + tableExample());
        }
        int priority = node.get("priority").integer(0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        boolean writeBack = node.get("writeBack").bool(false);
        PostgresTls tls = TlsBinder.postgres(node.get("tls"), baseDirectory);
        int snapshotChunkSize = DatabaseSourceKeys.snapshotChunkSize(node);
        node.rejectUnknownKeys();
        return new SourceConfig(
                id,
                type,
                hostname,
                port,
                database,
                username,
                password,
                slotName,
                publication,
                startup,
                tables,
                priority,
                writeBack,
                tls,
                snapshotChunkSize);
    }

    /** A slot or publication name, given or derived from the source id. */
    private String postgresName(ConfigNode node, String defaultName, String what) {
        String name = node.text(defaultName);
        if (name == null) {
            return null; // The id is wrong or missing, which is already reported.
        }
        if (!SLOT_NAME.matcher(name).matches() || name.length() > MAX_POSTGRES_NAME_LENGTH) {
            node.problem(
                    "'"
                            + name
                            + "'"
                            + (node.isAbsent() ? " (the default, from the source id)" : "")
                            + " is not a valid "
                            + what
                            + " name: use at most 63 lower-case letters, digits and"
                            + " underscores, e.g. syncline_crm"
                            + (node.isAbsent()
                                    ? "; set " + lastKey(node) + " or change the id"
                                    : ""));
        }
        return name;
    }

    private TableMapping table(ConfigNode node, List<String> tenants) {
        ConfigNode tableNode = node.get("table");
        String table = tableNode.requiredText("public.customers");
        if (table != null && !TABLE_NAME.matcher(table).matches()) {
            tableNode.problem(
                    "'"
                            + table
                            + "' is not a table name; write table or schema.table, e.g."
                            + " public.customers");
        }
        ConfigNode entityTypeNode = node.get("entityType");
        String entityType = entityTypeNode.requiredText("customer");
        if (entityType != null && !LOWER_IDENTIFIER.matcher(entityType).matches()) {
            entityTypeNode.problem(
                    "'"
                            + entityType
                            + "' is not a valid entity type: use lower-case letters, digits and"
                            + " underscores, starting with a letter, e.g. "
                            + suggestIdentifier(entityType));
        }
        ConfigNode primaryKeyNode = node.get("primaryKey");
        List<String> primaryKey = primaryKeyNode.texts();
        reportDuplicates(primaryKeyNode, primaryKey, "column");
        ConfigNode tenantColumnNode = node.get("tenantColumn");
        String tenantColumn = tenantColumnNode.text(null);
        ConfigNode tenantNode = node.get("tenant");
        String tenant = tenantNode.text(null);
        if (tenantColumn != null && tenant != null) {
            node.problem(
                    "both tenantColumn ('"
                            + tenantColumn
                            + "') and tenant ('"
                            + tenant
                            + "') are set; keep tenantColumn if the table holds rows of"
                            + " several tenants, or tenant if all its rows belong to one");
        } else if (tenantColumnNode.isAbsent() && tenantNode.isAbsent()) {
            node.problem(
                    "neither tenantColumn nor tenant is set; add tenantColumn: <column holding"
                            + " the tenant> (e.g. tenantColumn: tenant_id), or tenant: <tenant of"
                            + " every row> (e.g. tenant: acme)");
        } else if (tenantColumn != null && tenantColumn.isBlank()) {
            tenantColumnNode.problem("must not be empty; e.g. tenant_id");
        } else if (tenant != null && tenant.isBlank()) {
            tenantNode.problem("must not be empty; e.g. acme");
        } else if (tenant != null && !tenants.isEmpty() && !tenants.contains(tenant)) {
            tenantNode.problem(
                    "tenant '"
                            + tenant
                            + "' is not in tenants ["
                            + String.join(", ", tenants)
                            + "], so every row of this table would be rejected; add it to"
                            + " tenants or correct it");
        }
        ConfigNode targetTableNode = node.get("targetTable");
        String defaultTarget =
                table == null || problems.has(tableNode.path()) ? null : tableName(table);
        String targetTable = targetTableNode.text(defaultTarget);
        if (targetTable != null && !UNQUALIFIED_TABLE_NAME.matcher(targetTable).matches()) {
            targetTableNode.problem(
                    "'"
                            + targetTable
                            + "' is not a table name: write the name alone, e.g. customers"
                            + " (the schema is sinks.target.schema)");
        }
        node.rejectUnknownKeys();
        return new TableMapping(table, entityType, primaryKey, tenantColumn, tenant, targetTable);
    }

    private SinkSettings sinks(ConfigNode node, JobSettings job, CheckpointSettings checkpoints) {
        ConfigNode kafkaNode = node.require("kafka", "{bootstrapServers: localhost:9092}");
        KafkaSinkSettings kafka = kafka(kafkaNode, job, checkpoints);
        ConfigNode targetNode =
                node.require("target", "{url: jdbc:postgresql://localhost:5432/warehouse}");
        TargetSettings target = target(targetNode);
        node.rejectUnknownKeys();
        return new SinkSettings(kafka, target);
    }

    private KafkaSinkSettings kafka(
            ConfigNode node, JobSettings job, CheckpointSettings checkpoints) {
        ConfigNode serversNode = node.get("bootstrapServers");
        EventHubsBinder.EventHubs eventHubs = EventHubsBinder.bind(node.get("eventHubs"));
        String bootstrapServers = EventHubsBinder.bootstrapServers(eventHubs, serversNode, true);
        if (bootstrapServers != null && eventHubs == null) {
            checkBootstrapServers(serversNode, bootstrapServers);
        }
        Map<String, String> topics = new LinkedHashMap<>();
        String changeTopic = ownTopic(node, "changeTopic", DEFAULT_CHANGE_TOPIC, "changes", topics);
        String errorTopic = ownTopic(node, "errorTopic", DEFAULT_ERROR_TOPIC, "errors", topics);
        String controlTopic =
                ownTopic(node, "controlTopic", DEFAULT_CONTROL_TOPIC, "commands", topics);
        String conflictTopic =
                ownTopic(node, "conflictTopic", DEFAULT_CONFLICT_TOPIC, "conflicts", topics);
        String qualityTopic =
                ownTopic(node, "qualityTopic", DEFAULT_QUALITY_TOPIC, "quality metrics", topics);
        String alertTopic = ownTopic(node, "alertTopic", DEFAULT_ALERT_TOPIC, "alerts", topics);
        String auditTopic =
                ownTopic(node, "auditTopic", DEFAULT_AUDIT_TOPIC, "audit records", topics);
        String eventTopic =
                ownTopic(node, "eventTopic", DEFAULT_EVENT_TOPIC, "stored events", topics);
        ConfigNode prefixNode = node.get("transactionalIdPrefix");
        String transactionalIdPrefix = prefixNode.text(job.name());
        // When absent it is the job name, whose problems are reported at job.name.
        if (!prefixNode.isAbsent() && transactionalIdPrefix.isBlank()) {
            prefixNode.problem("must not be empty; e.g. " + DEFAULT_JOB_NAME);
        }
        ConfigNode timeoutNode = node.get("transactionTimeout");
        Duration transactionTimeout = timeoutNode.duration(DEFAULT_TRANSACTION_TIMEOUT);
        checkTransactionTimeout(timeoutNode, transactionTimeout, checkpoints);
        ConfigNode propertiesNode = node.get("properties");
        Map<String, String> properties = propertiesNode.textMap();
        properties.keySet().stream()
                .filter(MANAGED_KAFKA_PROPERTIES::containsKey)
                .forEach(
                        key ->
                                problems.add(
                                        ConfigPath.key(propertiesNode.path(), key),
                                        key
                                                + " is set by Syncline; use sinks.kafka."
                                                + MANAGED_KAFKA_PROPERTIES.get(key)
                                                + " instead"));
        ConfigNode tlsNode = node.get("tls");
        if (eventHubs != null && !tlsNode.isAbsent()) {
            tlsNode.problem(
                    "is not needed with eventHubs, which connects with TLS and the system's"
                            + " trusted certificates; remove it");
        }
        properties = TlsBinder.kafkaProperties(tlsNode, propertiesNode, properties, baseDirectory);
        properties = EventHubsBinder.properties(eventHubs, propertiesNode, properties);
        node.rejectUnknownKeys();
        return new KafkaSinkSettings(
                bootstrapServers,
                changeTopic,
                errorTopic,
                controlTopic,
                transactionalIdPrefix,
                transactionTimeout,
                properties,
                conflictTopic,
                qualityTopic,
                alertTopic,
                auditTopic,
                eventTopic);
    }

    /**
     * One of the topics the job writes or reads, which must not be any of the {@code earlier} ones
     * (key → topic) already bound.
     */
    private String ownTopic(
            ConfigNode parent,
            String key,
            String defaultTopic,
            String contents,
            Map<String, String> earlier) {
        ConfigNode node = parent.get(key);
        String topic = topic(node, defaultTopic);
        earlier.entrySet().stream()
                .filter(other -> other.getValue().equals(topic))
                .findFirst()
                .ifPresent(
                        other ->
                                node.problem(
                                        "is the same topic as "
                                                + other.getKey()
                                                + " ('"
                                                + topic
                                                + "'); "
                                                + contents
                                                + " must go to a topic of their own, e.g. "
                                                + defaultTopic));
        earlier.put(key, topic);
        return topic;
    }

    private void checkBootstrapServers(ConfigNode node, String bootstrapServers) {
        for (String server : bootstrapServers.split(",", -1)) {
            String address = server.trim();
            int colon = address.lastIndexOf(':');
            String port = colon < 0 ? "" : address.substring(colon + 1);
            boolean validPort = port.matches("\\d{1,5}") && Integer.parseInt(port) <= 65_535;
            if (colon <= 0 || !validPort) {
                node.problem(
                        "'"
                                + address
                                + "' is not host:port; write a comma-separated list of"
                                + " brokers, e.g. kafka-1:9092,kafka-2:9092");
                return;
            }
        }
    }

    private String topic(ConfigNode node, String defaultTopic) {
        String topic = node.text(defaultTopic);
        if (!TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            node.problem(
                    "'"
                            + topic
                            + "' is not a valid Kafka topic name: use at most 249 letters,"
                            + " digits, '.', '_' and '-', e.g. "
                            + defaultTopic);
            return defaultTopic;
        }
        return topic;
    }

    private void checkTransactionTimeout(
            ConfigNode node, Duration timeout, CheckpointSettings checkpoints) {
        if (problems.has(node.path())) {
            return;
        }
        if (timeout.compareTo(MAX_TRANSACTION_TIMEOUT) > 0) {
            node.problem(
                    "must be at most 15m, was "
                            + Durations.format(timeout)
                            + ": brokers refuse producers whose transaction timeout exceeds"
                            + " their transaction.max.timeout.ms, 15 minutes by default; lower"
                            + " it, e.g. 5m");
            return;
        }
        String intervalPath = ConfigPath.key("checkpoints", "interval");
        if (!problems.has(intervalPath) && timeout.compareTo(checkpoints.interval()) <= 0) {
            node.problem(
                    "must be longer than checkpoints.interval ("
                            + Durations.format(checkpoints.interval())
                            + "), was "
                            + Durations.format(timeout)
                            + ": each Kafka transaction stays open until the next checkpoint"
                            + " commits it, so a shorter timeout lets the broker abort it first"
                            + " and the job fails; use several intervals, e.g. 5m");
        }
    }

    private TargetSettings target(ConfigNode node) {
        ConfigNode urlNode = node.get("url");
        String url = urlNode.requiredText(JDBC_POSTGRES_PREFIX + "localhost:5432/warehouse");
        if (url != null && !url.startsWith(JDBC_POSTGRES_PREFIX)) {
            urlNode.problem(
                    "'"
                            + url
                            + "' is not a PostgreSQL JDBC URL; it must start with "
                            + JDBC_POSTGRES_PREFIX
                            + ", e.g. "
                            + JDBC_POSTGRES_PREFIX
                            + "localhost:5432/warehouse");
        }
        url =
                TlsBinder.postgresUrl(
                        urlNode, url, TlsBinder.postgres(node.get("tls"), baseDirectory));
        String username = node.get("username").requiredText("syncline");
        String password = node.get("password").text("");
        ConfigNode schemaNode = node.get("schema");
        String schema = schemaNode.text(DEFAULT_TARGET_SCHEMA);
        if (!UNQUALIFIED_TABLE_NAME.matcher(schema).matches()) {
            schemaNode.problem("'" + schema + "' is not a schema name; e.g. public");
        }
        boolean createTables = node.get("createTables").bool(true);
        int batchSize = node.get("batchSize").integer(DEFAULT_BATCH_SIZE, 1, MAX_BATCH_SIZE);
        ConfigNode batchIntervalNode = node.get("batchInterval");
        Duration batchInterval = batchIntervalNode.duration(DEFAULT_BATCH_INTERVAL);
        requirePositive(batchIntervalNode, batchInterval);
        ConfigNode oldRetriesNode = node.get("maxRetries");
        if (!oldRetriesNode.isAbsent()) {
            oldRetriesNode.problem(
                    "has moved to sinks.target.retry.maxRetries, where failed batches are retried"
                            + " with exponential backoff; write retry: {maxRetries: "
                            + oldRetriesNode.text("5")
                            + "}");
        }
        RetryPolicy retry = targetRetry(node.get("retry"));
        CircuitBreakerSettings circuitBreaker = circuitBreaker(node.get("circuitBreaker"));
        Map<String, String> tables = new LinkedHashMap<>();
        String errorsTable = ownTable(node, "errorsTable", DEFAULT_ERRORS_TABLE, "errors", tables);
        String conflictsTable =
                ownTable(node, "conflictsTable", DEFAULT_CONFLICTS_TABLE, "conflicts", tables);
        String qualityMetricsTable =
                ownTable(
                        node,
                        "qualityMetricsTable",
                        DEFAULT_QUALITY_METRICS_TABLE,
                        "quality metrics",
                        tables);
        String alertsTable = ownTable(node, "alertsTable", DEFAULT_ALERTS_TABLE, "alerts", tables);
        String auditTable =
                ownTable(node, "auditTable", DEFAULT_AUDIT_TABLE, "audit records", tables);
        node.rejectUnknownKeys();
        return new TargetSettings(
                url,
                username,
                password,
                schema,
                createTables,
                batchSize,
                batchInterval,
                retry,
                errorsTable,
                conflictsTable,
                qualityMetricsTable,
                alertsTable,
                circuitBreaker,
                auditTable);
    }

    /**
     * {@code sinks.target.retry}: how a batch that failed for a passing reason is tried again on a
     * new connection before the circuit breaker opens.
     */
    private RetryPolicy targetRetry(ConfigNode node) {
        RetryPolicy defaults = DEFAULT_TARGET_RETRY;
        int maxRetries =
                node.get("maxRetries").integer(defaults.maxRetries(), 0, MAX_TARGET_RETRIES);
        Backoffs backoffs = backoffs(node, defaults);
        ConfigNode multiplierNode = node.get("multiplier");
        double multiplier = multiplierNode.decimal(defaults.multiplier());
        if (multiplier < 1.0) {
            multiplierNode.problem(
                    "must be at least 1 (1 keeps the pause between retries constant, 2 doubles"
                            + " it), was "
                            + multiplier
                            + "; e.g. 2");
        }
        ConfigNode jitterNode = node.get("jitter");
        double jitter = jitterNode.decimal(defaults.jitter());
        if (jitter < 0.0 || jitter > 1.0) {
            jitterNode.problem("must be between 0 and 1, was " + jitter + "; e.g. 0.1");
        }
        node.rejectUnknownKeys();
        try {
            return RetryPolicy.ofRetries(
                    maxRetries, backoffs.initial(), backoffs.max(), multiplier, jitter);
        } catch (IllegalArgumentException e) {
            // A value it refuses has its problem already; the loader throws before this is used.
            return defaults;
        }
    }

    /**
     * The {@code initialBackoff} and {@code maxBackoff} of a {@code retry} section: both longer
     * than 0, the longest not shorter than the first.
     */
    private Backoffs backoffs(ConfigNode retryNode, RetryPolicy defaults) {
        ConfigNode initialNode = retryNode.get("initialBackoff");
        Duration initial = initialNode.duration(defaults.initialBackoff());
        requirePositive(initialNode, initial);
        ConfigNode maxNode = retryNode.get("maxBackoff");
        Duration max = maxNode.duration(defaults.maxBackoff());
        requirePositive(maxNode, max);
        if (!problems.has(initialNode.path())
                && !problems.has(maxNode.path())
                && max.compareTo(initial) < 0) {
            maxNode.problem(
                    "must not be shorter than initialBackoff ("
                            + Durations.format(initial)
                            + "), was "
                            + Durations.format(max));
        }
        return new Backoffs(
                initial, max, !problems.has(initialNode.path()) && !problems.has(maxNode.path()));
    }

    /** A retry section's backoffs; {@code valid} unless either has a problem. */
    private record Backoffs(Duration initial, Duration max, boolean valid) {}

    /** {@code sinks.target.circuitBreaker}: when writers stop trying the target database. */
    private CircuitBreakerSettings circuitBreaker(ConfigNode node) {
        CircuitBreakerSettings defaults = CircuitBreakerSettings.DEFAULTS;
        ConfigNode openForNode = node.get("openFor");
        Duration openFor = openForNode.duration(defaults.openFor());
        requirePositive(openForNode, openFor);
        int failureThreshold =
                node.get("failureThreshold").integer(defaults.failureThreshold(), 1, 10_000);
        node.rejectUnknownKeys();
        try {
            return new CircuitBreakerSettings(openFor, failureThreshold);
        } catch (IllegalArgumentException e) {
            // Its problem is reported at openFor already.
            return defaults;
        }
    }

    /**
     * One of the tables Syncline keeps for itself, which must not be any of the {@code earlier}
     * ones (key → table) already bound.
     */
    private String ownTable(
            ConfigNode parent,
            String key,
            String defaultTable,
            String contents,
            Map<String, String> earlier) {
        ConfigNode node = parent.get(key);
        String table = ownTable(node, defaultTable);
        if (!problems.has(node.path())) {
            earlier.entrySet().stream()
                    .filter(other -> other.getValue().equalsIgnoreCase(table))
                    .findFirst()
                    .ifPresent(
                            other ->
                                    node.problem(
                                            "is the same table as "
                                                    + other.getKey()
                                                    + " ('"
                                                    + table
                                                    + "'); "
                                                    + contents
                                                    + " must go to a table of their own, e.g. "
                                                    + defaultTable));
            earlier.put(key, table);
        }
        return table;
    }

    /** A table Syncline keeps in the target schema for itself, named without a schema. */
    private String ownTable(ConfigNode node, String defaultTable) {
        String table = node.text(defaultTable);
        if (!UNQUALIFIED_TABLE_NAME.matcher(table).matches()) {
            node.problem(
                    "'"
                            + table
                            + "' is not a table name: write the name alone, e.g. "
                            + defaultTable
                            + " (the schema is sinks.target.schema)");
        }
        return table;
    }

    private ValidationSettings validation(Path file, ConfigNode node) {
        ConfigNode rulesNode = node.get("rules");
        String rulesText = rulesNode.text(null);
        RuleSetDocument rules = null;
        if (rulesText != null) {
            Path base = file.toAbsolutePath().getParent();
            Path rulesFile = base == null ? Path.of(rulesText) : base.resolve(rulesText);
            try {
                rules = RuleFiles.read(rulesFile);
            } catch (RuleSetException e) {
                // One path holds one problem: list them all in it, one per line.
                rulesNode.problem(String.join("\n    ", e.problems()));
            }
        }
        ConfigNode waitNode = node.get("maxParentWait");
        Duration maxParentWait = waitNode.duration(DEFAULT_MAX_PARENT_WAIT);
        requirePositive(waitNode, maxParentWait);
        int maxWaitingChildren =
                node.get("maxWaitingChildren")
                        .integer(DEFAULT_MAX_WAITING_CHILDREN, 1, Integer.MAX_VALUE);
        ConfigNode escalationNode = node.get("escalation");
        Map<String, Integer> escalation = new java.util.TreeMap<>();
        escalationNode
                .textMap()
                .forEach(
                        (code, level) -> {
                            if (!level.matches("[234]")) {
                                problems.add(
                                        ConfigPath.key(escalationNode.path(), code),
                                        "'"
                                                + level
                                                + "' is not an escalation level; use 2 (data"
                                                + " steward), 3 (business owner) or 4"
                                                + " (administrator); level 1 is automated"
                                                + " remediation, which is not an error");
                            } else {
                                escalation.put(code, Integer.parseInt(level));
                            }
                        });
        node.rejectUnknownKeys();
        return new ValidationSettings(rules, maxParentWait, maxWaitingChildren, escalation);
    }

    private AlertSettings alerts(ConfigNode node) {
        ConfigNode codesNode = node.get("criticalErrorCodes");
        Set<String> criticalCodes =
                codesNode.isAbsent()
                        ? AlertThresholds.DEFAULT_CRITICAL_ERROR_CODES
                        : new LinkedHashSet<>(codesNode.texts());
        ConfigNode rateLimitNode = node.get("rateLimit");
        Duration rateLimit = rateLimitNode.duration(AlertThresholds.defaults().rateLimit());
        NotifierRouting routing = routing(node.get("routes"));
        ConfigNode retryNode = node.get("retry");
        RetryPolicy defaultRetry = RetryPolicy.defaults();
        int maxAttempts = retryNode.get("maxAttempts").integer(defaultRetry.maxAttempts(), 1, 100);
        Backoffs backoffs = backoffs(retryNode, defaultRetry);
        retryNode.rejectUnknownKeys();
        int ratePerMinute =
                node.get("ratePerMinute")
                        .integer(NotifierSettings.DEFAULT_RATE_PER_MINUTE, 1, 100_000);
        int queueCapacity =
                node.get("queueCapacity")
                        .integer(NotifierSettings.DEFAULT_QUEUE_CAPACITY, 1, 1_000_000);
        // A channel missing a required value is left out: the value's own problem says so.
        SlackSettings slack =
                channel(
                        node.get("slack"),
                        n -> {
                            String webhookUrl = n.get("webhookUrl").requiredText(WEBHOOK_EXAMPLE);
                            return webhookUrl == null ? null : new SlackSettings(webhookUrl);
                        });
        PagerDutySettings pagerDuty =
                channel(
                        node.get("pagerduty"),
                        n -> {
                            String eventsUrl =
                                    n.get("eventsUrl").text(PagerDutySettings.DEFAULT_EVENTS_URL);
                            String routingKey =
                                    n.get("routingKey").requiredText("0123456789abcdef");
                            return routingKey == null
                                    ? null
                                    : new PagerDutySettings(eventsUrl, routingKey);
                        });
        EmailSettings email =
                channel(
                        node.get("email"),
                        n -> {
                            String host = n.get("host").requiredText("smtp.example.com");
                            int port = n.get("port").integer(587, 1, 65_535);
                            boolean startTls = n.get("startTls").bool(true);
                            String username = n.get("username").text(null);
                            String password = n.get("password").text(null);
                            String from = n.get("from").requiredText("syncline@example.com");
                            List<String> to = recipients(n, "[oncall@example.com]", "recipient");
                            return host == null || from == null || to.isEmpty()
                                    ? null
                                    : new EmailSettings(
                                            host, port, startTls, username, password, from, to);
                        });
        SmsSettings sms =
                channel(
                        node.get("sms"),
                        n -> {
                            String gatewayUrl =
                                    n.get("gatewayUrl")
                                            .requiredText("https://sms.example.com/send");
                            String authorization = n.get("authorization").text(null);
                            List<String> to = recipients(n, "['+4915112345678']", "phone number");
                            return gatewayUrl == null || to.isEmpty()
                                    ? null
                                    : new SmsSettings(gatewayUrl, authorization, to);
                        });
        node.rejectUnknownKeys();
        NotifierSettings notifiers = null;
        try {
            notifiers =
                    new NotifierSettings(
                            slack,
                            pagerDuty,
                            email,
                            sms,
                            routing,
                            backoffs.valid()
                                    ? new RetryPolicy(
                                            maxAttempts, backoffs.initial(), backoffs.max())
                                    : defaultRetry,
                            ratePerMinute,
                            queueCapacity);
        } catch (IllegalArgumentException e) {
            node.problem(e.getMessage());
        }
        return new AlertSettings(
                criticalCodes,
                rateLimit,
                notifiers == null ? NotifierSettings.defaults() : notifiers);
    }

    private static final String WEBHOOK_EXAMPLE = "https://hooks.slack.com/services/T000/B000/XXX";

    /** A channel's {@code to:}, at least one {@code what}; empty with a problem otherwise. */
    private List<String> recipients(ConfigNode channel, String example, String what) {
        ConfigNode toNode = channel.require("to", example);
        List<String> to = toNode.texts();
        if (to.isEmpty() && !problems.has(toNode.path())) {
            toNode.problem("needs at least one " + what + "; e.g. " + example);
        }
        return to;
    }

    /** One notifier channel's settings; null if absent or wrong (the problem is reported). */
    private <T> T channel(ConfigNode node, Function<ConfigNode, T> bind) {
        if (node.isAbsent()) {
            return null;
        }
        T settings;
        try {
            settings = bind.apply(node);
        } catch (IllegalArgumentException e) {
            node.problem(e.getMessage());
            return null;
        }
        node.rejectUnknownKeys();
        return problems.has(node.path()) ? null : settings;
    }

    private NotifierRouting routing(ConfigNode node) {
        if (node.isAbsent()) {
            return NotifierRouting.defaults();
        }
        Map<AlertSeverity, Set<Channel>> channels = new java.util.EnumMap<>(AlertSeverity.class);
        for (AlertSeverity severity : AlertSeverity.values()) {
            String key = severity.name().toLowerCase(Locale.ROOT);
            ConfigNode severityNode = node.get(key);
            Set<Channel> routed = EnumSet.noneOf(Channel.class);
            for (String name : severityNode.texts()) {
                Channel channel =
                        Arrays.stream(Channel.values())
                                .filter(c -> c.name().equalsIgnoreCase(name))
                                .findFirst()
                                .orElse(null);
                if (channel == null) {
                    severityNode.problem(
                            "'" + name + "' is not a channel; use slack, pagerduty, email or sms");
                } else if (severity != AlertSeverity.CRITICAL
                        && NotifierRouting.PAGING.contains(channel)) {
                    // Reported here, at the severity's path, rather than by NotifierRouting.
                    severityNode.problem(
                            "'"
                                    + name
                                    + "' pages people, so it takes critical alerts only; remove it"
                                    + " from routes."
                                    + key);
                } else {
                    routed.add(channel);
                }
            }
            channels.put(severity, routed);
        }
        node.rejectUnknownKeys();
        try {
            return new NotifierRouting(channels);
        } catch (IllegalArgumentException e) {
            node.problem(e.getMessage() + "; remove them from routes.warning");
            return NotifierRouting.defaults();
        }
    }

    private ObservabilitySettings observability(ConfigNode node, AlertSettings alerts) {
        boolean enabled = node.get("enabled").bool(true);
        QualityWindows.WindowSpec window = window(node.get("window"));
        ConfigNode maxDelayNode = node.get("maxDelay");
        Duration maxDelay = maxDelayNode.duration(DEFAULT_OBSERVATION_MAX_DELAY);
        Duration allowedLateness = node.get("allowedLateness").duration(DEFAULT_ALLOWED_LATENESS);
        LatencyTargets latencyTargets = latencyTargets(node);
        AlertThresholds thresholds = thresholds(node.get("thresholds"), alerts);
        HeartbeatSettings heartbeat = heartbeat(node.get("heartbeat"));
        ConfigNode readBackNode = node.get("readBack");
        ConfigNode sampleRateNode = readBackNode.get("sampleRate");
        double sampleRate = sampleRateNode.decimal(DEFAULT_READ_BACK_SAMPLE_RATE);
        if (sampleRate < 0 || sampleRate > 1) {
            sampleRateNode.problem(
                    "must be a share between 0 and 1, was "
                            + sampleRate
                            + "; e.g. 0.01 reads back one change in a hundred, 0 turns read-back"
                            + " off");
            sampleRate = DEFAULT_READ_BACK_SAMPLE_RATE;
        }
        ConfigNode readBackDelayNode = readBackNode.get("delay");
        Duration readBackDelay = readBackDelayNode.duration(DEFAULT_READ_BACK_DELAY);
        requirePositive(readBackDelayNode, readBackDelay);
        readBackNode.rejectUnknownKeys();
        ConfigNode prometheusNode = node.get("prometheus");
        int prometheusPort = prometheusNode.get("port").integer(DEFAULT_PROMETHEUS_PORT, 0, 65_535);
        prometheusNode.rejectUnknownKeys();
        node.rejectUnknownKeys();
        return new ObservabilitySettings(
                enabled,
                window,
                maxDelay,
                allowedLateness,
                latencyTargets,
                thresholds,
                heartbeat,
                sampleRate,
                readBackDelay,
                prometheusPort);
    }

    private QualityWindows.WindowSpec window(ConfigNode node) {
        ConfigNode kindNode = node.get("kind");
        String kindText = kindNode.text("tumbling");
        QualityWindows.Kind kind =
                Arrays.stream(QualityWindows.Kind.values())
                        .filter(k -> k.configName().equals(kindText))
                        .findFirst()
                        .orElse(null);
        if (kind == null) {
            kindNode.problem(
                    "'"
                            + kindText
                            + "' is not a window kind; use tumbling, hopping, sliding or session");
            kind = QualityWindows.Kind.TUMBLING;
        }
        QualityWindows.WindowSpec defaults = QualityWindows.WindowSpec.defaults(kind);
        QualityWindows.WindowSpec spec =
                new QualityWindows.WindowSpec(
                        kind,
                        node.get("size").duration(defaults.size()),
                        node.get("slide").duration(defaults.slide()),
                        node.get("gap").duration(defaults.gap()));
        if (!problems.has(node.path())) {
            spec.problems().forEach(node::problem);
        }
        node.rejectUnknownKeys();
        return spec;
    }

    /**
     * {@code syncClasses: {customer: near-real-time}} and optional {@code latencyTargets:
     * {customer: 20s}} overriding a class's default target; {@code defaultSyncClass} for the rest.
     */
    private LatencyTargets latencyTargets(ConfigNode node) {
        ConfigNode defaultNode = node.get("defaultSyncClass");
        SyncClass defaultClass = syncClass(defaultNode, defaultNode.text("real-time"));
        ConfigNode classesNode = node.get("syncClasses");
        Map<String, SyncClass> classes = new LinkedHashMap<>();
        classesNode
                .textMap()
                .forEach(
                        (entityType, name) ->
                                classes.put(
                                        entityType, syncClass(classesNode.get(entityType), name)));
        ConfigNode targetsNode = node.get("latencyTargets");
        Map<String, LatencyTargets.Target> targets = new LinkedHashMap<>();
        classes.forEach(
                (entityType, syncClass) ->
                        targets.put(entityType, LatencyTargets.Target.of(syncClass)));
        for (String entityType : targetsNode.textMap().keySet()) {
            ConfigNode targetNode = targetsNode.get(entityType);
            Duration latency = targetNode.duration(defaultClass.defaultTarget());
            requirePositive(targetNode, latency);
            SyncClass syncClass = classes.getOrDefault(entityType, defaultClass);
            targets.put(
                    entityType,
                    new LatencyTargets.Target(
                            syncClass, latency.isZero() ? syncClass.defaultTarget() : latency));
        }
        return new LatencyTargets(targets, LatencyTargets.Target.of(defaultClass));
    }

    private SyncClass syncClass(ConfigNode node, String name) {
        return SyncClass.parse(name)
                .orElseGet(
                        () -> {
                            node.problem(
                                    "'"
                                            + name
                                            + "' is not a sync class; use real-time (5s target),"
                                            + " near-real-time (30s) or batch (1h)");
                            return SyncClass.REAL_TIME;
                        });
    }

    private AlertThresholds thresholds(ConfigNode node, AlertSettings alerts) {
        AlertThresholds defaults = AlertThresholds.defaults();
        double completeness = share(node.get("completeness"), defaults.minCompleteness());
        double accuracy = share(node.get("accuracy"), defaults.minAccuracy());
        double consistency = share(node.get("consistency"), defaults.minConsistency());
        double timeliness = share(node.get("timeliness"), defaults.minTimeliness());
        double errorRate = share(node.get("errorRate"), defaults.maxErrorRate());
        int minChanges = node.get("minChanges").integer((int) defaults.minChanges(), 0, 1_000_000);
        ConfigNode sourceLagNode = node.get("sourceLag");
        Duration sourceLag = sourceLagNode.duration(defaults.sourceLagWarning());
        requirePositive(sourceLagNode, sourceLag);
        ConfigNode stalledNode = node.get("sourceStalled");
        Duration sourceStalled = stalledNode.duration(defaults.sourceStalled());
        requirePositive(stalledNode, sourceStalled);
        if (!problems.has(sourceLagNode.path())
                && !problems.has(stalledNode.path())
                && sourceStalled.compareTo(sourceLag) < 0) {
            stalledNode.problem(
                    "must not be shorter than sourceLag ("
                            + Durations.format(sourceLag)
                            + "), was "
                            + Durations.format(sourceStalled)
                            + ": a stalled source is one further behind than a lagging one");
            sourceStalled = sourceLag;
        }
        node.rejectUnknownKeys();
        return new AlertThresholds(
                completeness,
                accuracy,
                consistency,
                timeliness,
                errorRate,
                minChanges,
                isPositive(sourceLag) ? sourceLag : defaults.sourceLagWarning(),
                isPositive(sourceStalled) ? sourceStalled : defaults.sourceStalled(),
                alerts.criticalErrorCodes(),
                alerts.rateLimit());
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private double share(ConfigNode node, double defaultValue) {
        double value = node.decimal(defaultValue);
        if (value < 0 || value > 1) {
            node.problem("must be a share between 0 and 1, was " + value + "; write 0.95 for 95 %");
            return defaultValue;
        }
        return value;
    }

    private HeartbeatSettings heartbeat(ConfigNode node) {
        Duration interval = node.get("interval").duration(DEFAULT_HEARTBEAT_INTERVAL);
        ConfigNode tableNode = node.get("table");
        String table = tableNode.text(DEFAULT_HEARTBEAT_TABLE);
        int dot = table.indexOf('.');
        String schema = dot < 0 ? "public" : table.substring(0, dot);
        String name = dot < 0 ? table : table.substring(dot + 1);
        if (!UNQUALIFIED_TABLE_NAME.matcher(schema).matches()
                || !UNQUALIFIED_TABLE_NAME.matcher(name).matches()) {
            tableNode.problem(
                    "'"
                            + table
                            + "' is not a table name; write schema.table, e.g. "
                            + DEFAULT_HEARTBEAT_TABLE);
            schema = "public";
            name = "syncline_heartbeat";
        }
        node.rejectUnknownKeys();
        return new HeartbeatSettings(interval, schema, name);
    }

    /** The backfill section; its parallelism defaults to the job's. */
    private BackfillSettings backfill(ConfigNode node, JobSettings job) {
        int chunkSize =
                node.get("chunkSize")
                        .integer(DEFAULT_BACKFILL_CHUNK_SIZE, 1, MAX_BACKFILL_CHUNK_SIZE);
        int rowsPerSplit =
                node.get("rowsPerSplit")
                        .integer(DEFAULT_BACKFILL_ROWS_PER_SPLIT, 1, Integer.MAX_VALUE);
        int parallelism = node.get("parallelism").integer(job.parallelism(), 1, 32_768);
        ConfigNode lagNode = node.get("commitTimeLag");
        Duration commitTimeLag = lagNode.duration(DEFAULT_BACKFILL_COMMIT_TIME_LAG);
        if (!problems.has(lagNode.path()) && commitTimeLag.isZero()) {
            lagNode.problem(
                    "must be longer than 0: a change committed just before a backfill's read but"
                            + " visible only after it would lose to the backfilled row; e.g."
                            + " 10s, longer than the source's longest commit");
        }
        node.rejectUnknownKeys();
        return new BackfillSettings(chunkSize, rowsPerSplit, parallelism, commitTimeLag);
    }

    /**
     * The consistency section. {@code raw} is the same section as {@code node}: it gives the keys
     * of the mappings keyed by entity type, field and option name, which the binder cannot know.
     */
    private ConsistencySettings consistency(ConfigNode node, JsonNode raw) {
        ConfigNode dedupTtlNode = node.get("dedupTtl");
        Duration dedupTtl = dedupTtlNode.duration(DEFAULT_DEDUP_TTL);
        requirePositive(dedupTtlNode, dedupTtl);
        // Durations are never negative, so 0s is the least maxOutOfOrder there is.
        Duration maxOutOfOrder = node.get("maxOutOfOrder").duration(DEFAULT_MAX_OUT_OF_ORDER);
        int maxPendingPerEntity =
                node.get("maxPendingPerEntity")
                        .integer(DEFAULT_MAX_PENDING_PER_ENTITY, 1, Integer.MAX_VALUE);
        int maxParkedPerEntity =
                node.get("maxParkedPerEntity")
                        .integer(DEFAULT_MAX_PARKED_PER_ENTITY, 1, Integer.MAX_VALUE);
        ConfigNode entitiesNode = node.get("entities");
        JsonNode rawEntities = raw.path("entities");
        Map<String, ConflictPolicy> entities = new LinkedHashMap<>();
        for (String entityType :
                keys(entitiesNode, rawEntities, "{customer: {strategy: last-writer-wins}}")) {
            ConfigNode entityNode = entitiesNode.get(entityType);
            if (!LOWER_IDENTIFIER.matcher(entityType).matches()) {
                entityNode.problem(
                        "'"
                                + entityType
                                + "' is not a valid entity type: use lower-case letters, digits"
                                + " and underscores, starting with a letter, e.g. "
                                + suggestIdentifier(entityType));
            }
            ConflictPolicy policy = conflictPolicy(entityNode, rawEntities.path(entityType));
            if (policy != null) {
                entities.put(entityType, policy);
            }
        }
        node.rejectUnknownKeys();
        return new ConsistencySettings(
                dedupTtl, maxOutOfOrder, maxPendingPerEntity, maxParkedPerEntity, entities);
    }

    /** One entity type's policy; {@code null} if it has problems. */
    private ConflictPolicy conflictPolicy(ConfigNode node, JsonNode raw) {
        ConfigNode strategyNode = node.get("strategy");
        ConflictStrategy strategy =
                named(
                        strategyNode,
                        ConflictStrategy.LAST_WRITER_WINS.configName(),
                        ConflictStrategy::named,
                        Arrays.stream(ConflictStrategy.values())
                                .map(ConflictStrategy::configName)
                                .toList(),
                        "a conflict strategy");
        ConfigNode fallbackNode = node.get("fallback");
        ConflictStrategy.Fallback fallback = null;
        if (!fallbackNode.isAbsent() && strategy != null) {
            if (strategy == ConflictStrategy.VECTOR_CLOCK) {
                fallback =
                        named(
                                fallbackNode,
                                null,
                                ConflictStrategy.Fallback::named,
                                Arrays.stream(ConflictStrategy.Fallback.values())
                                        .map(ConflictStrategy.Fallback::configName)
                                        .toList(),
                                "a vector-clock fallback");
            } else {
                fallbackNode.problem(
                        "applies only to strategy vector-clock, where it decides the versions"
                                + " the vector clocks prove concurrent; remove it, or set"
                                + " strategy: vector-clock");
            }
        }
        ConflictResolver resolver =
                resolverIfCustom(
                        strategy, node.get("resolver"), node.get("options"), raw.path("options"));
        ConfigNode fieldsNode = node.get("fields");
        JsonNode rawFields = raw.path("fields");
        Map<String, FieldPolicy> fields = new LinkedHashMap<>();
        for (String field :
                keys(fieldsNode, rawFields, "{credit_limit: {strategy: last-writer-wins}}")) {
            FieldPolicy policy = fieldPolicy(fieldsNode.get(field), rawFields.path(field));
            if (policy != null) {
                fields.put(field, policy);
            }
        }
        node.rejectUnknownKeys();
        if (strategy == null || (strategy == ConflictStrategy.CUSTOM && resolver == null)) {
            return null; // Reported; the policy could not be built.
        }
        return new ConflictPolicy(strategy, fallback, resolver, fields);
    }

    /** One field's override of its entity's policy; {@code null} if it has problems. */
    private FieldPolicy fieldPolicy(ConfigNode node, JsonNode raw) {
        ConfigNode strategyNode = node.get("strategy");
        ConflictStrategy strategy =
                named(
                        strategyNode,
                        ConflictStrategy.LAST_WRITER_WINS.configName(),
                        name -> ConflictStrategy.named(name).filter(FIELD_STRATEGIES::contains),
                        FIELD_STRATEGIES.stream().map(ConflictStrategy::configName).toList(),
                        "a field strategy");
        ConflictResolver resolver =
                resolverIfCustom(
                        strategy, node.get("resolver"), node.get("options"), raw.path("options"));
        node.rejectUnknownKeys();
        if (strategy == null || (strategy == ConflictStrategy.CUSTOM && resolver == null)) {
            return null; // Reported; the policy could not be built.
        }
        return resolver == null ? FieldPolicy.lastWriterWins() : FieldPolicy.custom(resolver);
    }

    /** The constant named by the node's text, or {@code null} (reported) if none is. */
    private static <T> T named(
            ConfigNode node,
            String defaultName,
            Function<String, Optional<T>> byName,
            List<String> names,
            String what) {
        String name = node.text(defaultName);
        if (name == null) {
            return null;
        }
        Optional<T> named = byName.apply(name);
        if (named.isEmpty()) {
            String fix =
                    KeySuggestions.closest(name, names)
                            .map(known -> "did you mean '" + known + "'? Use one of: ")
                            .orElse("use one of: ");
            node.problem("'" + name + "' is not " + what + "; " + fix + String.join(", ", names));
        }
        return named.orElse(null);
    }

    /**
     * The resolver of a {@code custom} strategy, created and configured; {@code null} for the other
     * strategies, which must not name one, or if it cannot be created (reported).
     */
    private ConflictResolver resolverIfCustom(
            ConflictStrategy strategy,
            ConfigNode resolverNode,
            ConfigNode optionsNode,
            JsonNode rawOptions) {
        if (strategy == null) {
            return null; // An unknown strategy, which is already reported.
        }
        if (strategy != ConflictStrategy.CUSTOM) {
            String instead = ", or set strategy: custom instead of " + strategy.configName();
            if (!resolverNode.isAbsent()) {
                resolverNode.problem("applies only to strategy custom; remove it" + instead);
            }
            if (!optionsNode.isAbsent()) {
                optionsNode.problem(
                        "apply only to strategy custom, whose resolver receives them; remove"
                                + " them"
                                + instead);
            }
            return null;
        }
        String className = resolverNode.text(null);
        if (className == null || className.isBlank()) {
            if (!problems.has(resolverNode.path())) {
                resolverNode.problem(
                        "is required for strategy custom: the name of a class implementing "
                                + ConflictResolver.class.getName()
                                + ", e.g. "
                                + EXAMPLE_RESOLVER);
            }
            return null;
        }
        ConflictResolver resolver = createResolver(resolverNode, className.trim());
        Map<String, String> options = options(optionsNode, rawOptions);
        if (resolver == null || problems.has(optionsNode.path())) {
            return null;
        }
        try {
            resolver.configure(options);
        } catch (IllegalArgumentException e) {
            optionsNode.problem(
                    resolver.getClass().getSimpleName()
                            + " rejects its options: "
                            + e.getMessage());
            return null;
        }
        return resolver;
    }

    /**
     * An instance of the named resolver class, loaded like the job's own classes: through the
     * thread's context class loader, which sees the user's jar in a Flink session, else through
     * Syncline's.
     */
    private static ConflictResolver createResolver(ConfigNode node, String className) {
        Class<?> type;
        try {
            type = loadClass(className);
        } catch (ClassNotFoundException e) {
            node.problem(
                    "class '"
                            + className
                            + "' is not found; correct the name (package and class), or put the"
                            + " jar that holds it on the job's classpath (e.g. Flink's lib/"
                            + " directory)");
            return null;
        } catch (LinkageError e) {
            node.problem(
                    "class '"
                            + className
                            + "' cannot be loaded ("
                            + e
                            + "); put the jars it depends on on the job's classpath");
            return null;
        }
        if (!ConflictResolver.class.isAssignableFrom(type)) {
            node.problem(
                    "'"
                            + className
                            + "' does not implement "
                            + ConflictResolver.class.getName()
                            + "; name a class that does, e.g. "
                            + EXAMPLE_RESOLVER);
            return null;
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            node.problem(
                    "'"
                            + className
                            + "' is abstract; name a concrete class that implements "
                            + ConflictResolver.class.getSimpleName());
            return null;
        }
        try {
            return type.asSubclass(ConflictResolver.class).getConstructor().newInstance();
        } catch (NoSuchMethodException | IllegalAccessException e) {
            node.problem(
                    "'"
                            + className
                            + "' cannot be created: Syncline needs a public class with a public"
                            + " no-argument constructor; add one (options arrive in configure)");
        } catch (InvocationTargetException | ExceptionInInitializerError e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            node.problem(
                    "creating '"
                            + className
                            + "' failed: "
                            + cause
                            + "; fix its constructor (read options in configure instead)");
        } catch (InstantiationException e) {
            // Abstract classes are reported above; nothing else is refused here.
            throw new IllegalStateException(e);
        }
        return null;
    }

    private static Class<?> loadClass(String className) throws ClassNotFoundException {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader own = ConfigBinder.class.getClassLoader();
        if (context != null && context != own) {
            try {
                return Class.forName(className, false, context);
            } catch (ClassNotFoundException e) {
                // Falls back to Syncline's own class loader.
            }
        }
        return Class.forName(className, false, own);
    }

    /**
     * A resolver's options, values as written: an empty value is passed on too, for the resolver to
     * accept or reject in {@link ConflictResolver#configure}.
     */
    private static Map<String, String> options(ConfigNode node, JsonNode raw) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String key : keys(node, raw, "{field: amount}")) {
            ConfigNode value = node.get(key);
            String text = value.text(null);
            if (text != null) {
                options.put(key, text);
            } else if (value.isAbsent()) {
                value.problem("has no value; write one (e.g. '' for an empty one) or remove it");
            }
        }
        return options;
    }

    /**
     * The keys of a mapping keyed by names the user chooses (entity types, fields, options), in
     * file order; empty if absent or, with a problem, not a mapping.
     */
    static List<String> keys(ConfigNode node, JsonNode raw, String example) {
        if (node.isAbsent()) {
            return List.of();
        }
        if (!raw.isObject()) {
            node.problem("expected a mapping, e.g. " + example);
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        raw.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    // ---- rules across sources and tables

    private void checkUniqueSourceIds(List<BoundSource> sources) {
        Map<String, String> firstPathById = new HashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            String id = sources.get(i).id();
            String path = ConfigPath.key(sources.get(i).node().path(), "id");
            if (id == null || problems.has(path)) {
                continue;
            }
            String first = firstPathById.putIfAbsent(id, path);
            if (first != null) {
                problems.add(
                        path,
                        "source id '"
                                + id
                                + "' is already used by "
                                + first
                                + "; give every source its own id");
            }
        }
    }

    /** A write-back source syncs with the others: alone, it has nobody to sync with. */
    private void checkWriteBackHasPeers(List<BoundSource> sources) {
        if (sources.size() > 1) {
            return;
        }
        for (BoundSource source : sources) {
            if (source.postgres() != null && source.postgres().writeBack()) {
                problems.add(
                        ConfigPath.key(source.node().path(), "writeBack"),
                        "is true, but this is the only source, so there is no other source to"
                                + " sync with; add the peer source it exchanges changes with, or"
                                + " remove writeBack");
            }
        }
    }

    /** Slots are per server: two sources on one server must not share one. */
    private void checkUniqueSlots(List<ConfigNode> nodes, List<SourceConfig> sources) {
        Map<String, String> firstPathBySlot = new HashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            SourceConfig source = sources.get(i);
            String path = ConfigPath.key(nodes.get(i).path(), "slotName");
            if (source.slotName() == null || source.hostname() == null || problems.has(path)) {
                continue;
            }
            String server = source.hostname().toLowerCase(Locale.ROOT) + ":" + source.port();
            String first = firstPathBySlot.putIfAbsent(server + "/" + source.slotName(), path);
            if (first != null) {
                problems.add(
                        path,
                        "replication slot '"
                                + source.slotName()
                                + "' on "
                                + server
                                + " is already used by "
                                + first
                                + "; two readers of one slot lose changes, give each source"
                                + " its own slotName");
            }
        }
    }

    /**
     * An entity type may come from several sources, whose versions of an entity then compete in
     * conflict resolution, but from one table per source; and it has one target table, which no
     * other entity type shares.
     */
    private void checkTableSettings(List<BoundSource> sources) {
        Map<String, String> firstTableByEntityType = new HashMap<>();
        Map<String, String> targetTableByEntityType = new HashMap<>();
        Map<String, String> firstTableByTargetTable = new HashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            Map<String, String> firstInSourceByEntityType = new HashMap<>();
            List<TableMapping> tables = sources.get(i).tables();
            for (int j = 0; j < tables.size(); j++) {
                String tablePath =
                        ConfigPath.index(ConfigPath.key(sources.get(i).node().path(), "tables"), j);
                String entityTypePath = ConfigPath.key(tablePath, "entityType");
                String targetTablePath = ConfigPath.key(tablePath, "targetTable");
                TableMapping table = tables.get(j);
                unique(
                        firstInSourceByEntityType,
                        table.entityType(),
                        entityTypePath,
                        "entity type",
                        "an entity type comes from one table of each source; rename one of them");
                if (table.entityType() == null
                        || table.targetTable() == null
                        || problems.has(entityTypePath)
                        || problems.has(targetTablePath)) {
                    continue;
                }
                String firstOfEntityType = firstTableByEntityType.get(table.entityType());
                if (firstOfEntityType != null) {
                    String targetTable = targetTableByEntityType.get(table.entityType());
                    if (!targetTable.equalsIgnoreCase(table.targetTable())) {
                        problems.add(
                                targetTablePath,
                                "is '"
                                        + table.targetTable()
                                        + "', but entity type '"
                                        + table.entityType()
                                        + "' goes to target table '"
                                        + targetTable
                                        + "' in "
                                        + firstOfEntityType
                                        + "; the tables of one entity type in all sources go to"
                                        + " one target table, so set targetTable: "
                                        + targetTable);
                    }
                    continue;
                }
                String firstOfTargetTable =
                        firstTableByTargetTable.putIfAbsent(
                                table.targetTable().toLowerCase(Locale.ROOT), tablePath);
                if (firstOfTargetTable != null) {
                    problems.add(
                            targetTablePath,
                            "target table '"
                                    + table.targetTable()
                                    + "' is already used by "
                                    + firstOfTargetTable
                                    + "; two entity types would overwrite each other's rows; set"
                                    + " a distinct targetTable");
                    continue;
                }
                firstTableByEntityType.put(table.entityType(), tablePath);
                targetTableByEntityType.put(table.entityType(), table.targetTable());
            }
        }
    }

    private void unique(
            Map<String, String> firstPathByValue,
            String value,
            String path,
            String what,
            String fix) {
        if (value == null || problems.has(path)) {
            return;
        }
        String first = firstPathByValue.putIfAbsent(value, path);
        if (first != null) {
            problems.add(
                    path,
                    what + " '" + value + "' is already used by " + parent(first) + "; " + fix);
        }
    }

    // ---- helpers

    private void requirePositive(ConfigNode node, Duration duration) {
        if (!problems.has(node.path()) && (duration.isZero() || duration.isNegative())) {
            node.problem("must be longer than 0, was " + Durations.format(duration));
        }
    }

    private static void reportDuplicates(ConfigNode node, List<String> values, String what) {
        Set<String> seen = new LinkedHashSet<>();
        Set<String> duplicates = new LinkedHashSet<>();
        for (String value : values) {
            if (!seen.add(value)) {
                duplicates.add(value);
            }
        }
        if (!duplicates.isEmpty()) {
            node.problem(
                    "lists the "
                            + what
                            + (duplicates.size() == 1 ? " " : "s ")
                            + String.join(", ", duplicates)
                            + " more than once; list each once");
        }
    }

    private static String tableName(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? table : table.substring(dot + 1);
    }

    private static String parent(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }

    private static String lastKey(ConfigNode node) {
        String path = node.path();
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private static String suggestIdentifier(String value) {
        String suggestion =
                value.toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9_]+", "_")
                        .replaceAll("^[^a-z]+", "");
        return suggestion.isEmpty() ? "customer" : suggestion;
    }

    private static String sourceExample() {
        return "[{id: crm, hostname: localhost, database: crm, username: syncline, tables: "
                + tableExample()
                + "}]";
    }

    private static String tableExample() {
        return "[{table: public.customers, entityType: customer, tenantColumn: tenant_id}]";
    }
}
