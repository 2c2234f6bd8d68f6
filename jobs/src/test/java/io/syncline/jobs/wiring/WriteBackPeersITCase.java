package io.syncline.jobs.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.errors.Escalation;
import io.syncline.operators.retry.CircuitBreakerSettings;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.sink.PeerTable;
import io.syncline.operators.sink.PeerWrite;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Write-back peers against a real PostgreSQL: what {@link WriteBackPeers#prepare} installs, that
 * the origin trigger tells Syncline's writes from an application's, and that {@link PeerWrite}'s
 * one statement inserts, updates and deletes.
 */
class WriteBackPeersITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    // Names of this class only: the server is shared by every test class of the run.
    private static final String DATABASE = "write_back_peers";
    private static final String LIMITED_USER = "write_back_peers_limited";

    private static final List<TargetColumn> DATA_COLUMNS =
            List.of(
                    new TargetColumn("id", "bigint"),
                    new TargetColumn("tenant_id", "text"),
                    new TargetColumn("name", "text"),
                    new TargetColumn("amount", "numeric(12,2)"));

    private SourceConfig source;
    private PeerTable customers;
    private PeerWrite write;
    private Connection application;
    private Connection writer;

    @BeforeAll
    static void createDatabase() {
        POSTGRES.createDatabase(DATABASE);
        POSTGRES.execute(
                DATABASE,
                "DO $$ BEGIN CREATE ROLE "
                        + LIMITED_USER
                        + " LOGIN PASSWORD 'limited'; EXCEPTION WHEN duplicate_object THEN NULL;"
                        + " END $$");
    }

    @BeforeEach
    void preparedPeer() throws SQLException {
        POSTGRES.execute(
                DATABASE,
                "DROP TABLE IF EXISTS customers, contacts",
                "CREATE TABLE customers (id bigint PRIMARY KEY, tenant_id text NOT NULL, name text,"
                        + " amount numeric(12,2))");
        source = source(POSTGRES.username(), POSTGRES.password(), "customers", List.of());
        List<DiscoveredTable> tables = TableDiscovery.discover(source);
        WriteBackPeers.prepare(source, tables);
        customers = WriteBackPeers.peerTableOf(tables.get(0));
        write = new PeerWrite(customers);
        application = POSTGRES.connect(DATABASE);
        writer = writerConnection();
    }

    @AfterEach
    void closeConnections() throws SQLException {
        application.close();
        writer.close();
    }

    @Test
    void prepareAddsTheBookkeepingColumnsReplicaIdentityAndTrigger() throws Exception {
        assertThat(
                        queryColumn(
                                "SELECT column_name || ' ' || data_type FROM"
                                        + " information_schema.columns WHERE table_name ="
                                        + " 'customers' AND column_name LIKE '\\_syncline\\_%'"
                                        + " ORDER BY column_name"))
                .containsExactly("_syncline_clock text", "_syncline_origin text");
        assertThat(
                        queryColumn(
                                "SELECT relreplident::text FROM pg_class WHERE oid = 'customers'::regclass"))
                .containsExactly("f");
        assertThat(triggers("customers")).containsExactly(markOriginTrigger("customers"));
        assertThat(customers)
                .isEqualTo(new PeerTable("public", "customers", DATA_COLUMNS, List.of("id")));
    }

    @Test
    void discoveryLeavesTheBookkeepingColumnsOut() {
        assertThat(TableDiscovery.discover(source).get(0).columns()).isEqualTo(DATA_COLUMNS);
    }

    @Test
    void prepareTwiceChangesNothing() throws Exception {
        write(change(Operation.CREATE, 1, "Ada", "12.30", "erp", Map.of("erp", 1L)));

        WriteBackPeers.prepare(source, TableDiscovery.discover(source));

        assertThat(triggers("customers")).containsExactly(markOriginTrigger("customers"));
        assertThat(
                        queryColumn(
                                "SELECT relreplident::text FROM pg_class WHERE oid = 'customers'::regclass"))
                .containsExactly("f");
        assertThat(rows())
                .containsExactly(new Row(1, "acme", "Ada", "12.30", "erp", "{\"erp\":1}"));
    }

    @Test
    void applicationUpdateOfARowSynclineWroteClearsTheOriginAndKeepsTheClock() throws Exception {
        write(change(Operation.CREATE, 1, "Ada", "12.30", "erp", Map.of("erp", 2L, "crm", 1L)));

        execute(application, "UPDATE customers SET name = 'Ada L.' WHERE id = 1");

        assertThat(rows())
                .containsExactly(
                        new Row(1, "acme", "Ada L.", "12.30", null, "{\"crm\":1,\"erp\":2}"));
    }

    @Test
    void applicationCannotPassItsWriteOffAsSynclines() throws Exception {
        execute(
                application,
                "INSERT INTO customers (id, tenant_id, name, _syncline_origin) VALUES (1, 'acme',"
                        + " 'Ada', 'erp')");
        execute(application, "UPDATE customers SET _syncline_origin = 'erp' WHERE id = 1");

        assertThat(rows()).containsExactly(new Row(1, "acme", "Ada", null, null, null));
    }

    @Test
    void writeOnTheWriterConnectionKeepsOriginAndClock() throws Exception {
        write(change(Operation.CREATE, 1, "Ada", "12.30", "erp", Map.of("erp", 2L, "crm", 1L)));
        write(change(Operation.UPDATE, 1, "Ada L.", "13.00", "crm", Map.of("erp", 2L, "crm", 2L)));

        assertThat(rows())
                .containsExactly(
                        new Row(1, "acme", "Ada L.", "13.00", "crm", "{\"crm\":2,\"erp\":2}"));
    }

    @Test
    void writeWithoutTheWriterSettingIsTakenForAnApplications() throws Exception {
        write(application, change(Operation.CREATE, 1, "Ada", "12.30", "erp", Map.of("erp", 1L)));

        assertThat(rows()).containsExactly(new Row(1, "acme", "Ada", "12.30", null, "{\"erp\":1}"));
    }

    @Test
    void changeThatIsNoEchoIsWrittenWithTheSourceItCameFromAsOrigin() throws Exception {
        write(change(Operation.CREATE, 1, "Ada", "12.30", null, Map.of("shop", 1L)));

        assertThat(rows())
                .containsExactly(new Row(1, "acme", "Ada", "12.30", "shop", "{\"shop\":1}"));
    }

    @Test
    void insertUpdateAndDeleteEndInTheExpectedRows() throws Exception {
        write(change(Operation.CREATE, 1, "Ada", "12.30", "erp", Map.of("erp", 1L)));
        write(change(Operation.READ, 2, "Grace", null, "erp", Map.of("erp", 1L)));
        assertThat(rows())
                .containsExactly(
                        new Row(1, "acme", "Ada", "12.30", "erp", "{\"erp\":1}"),
                        new Row(2, "acme", "Grace", null, "erp", "{\"erp\":1}"));

        write(change(Operation.UPDATE, 2, "Grace H.", "7.50", "crm", Map.of("crm", 1L)));
        write(change(Operation.DELETE, 1, "Ada", "12.30", "erp", Map.of("erp", 2L)));

        assertThat(rows())
                .containsExactly(new Row(2, "acme", "Grace H.", "7.50", "crm", "{\"crm\":1}"));
    }

    @Test
    void deleteOfAMissingRowChangesNothing() throws Exception {
        write(change(Operation.CREATE, 2, "Grace", "7.50", "erp", Map.of("erp", 1L)));

        int deleted = write(change(Operation.DELETE, 1, "Ada", "12.30", "erp", Map.of("erp", 2L)));

        assertThat(deleted).isZero();
        assertThat(rows())
                .containsExactly(new Row(2, "acme", "Grace", "7.50", "erp", "{\"erp\":1}"));
    }

    @Test
    void writeOfAnUpdateWhoseRowIsGoneInsertsIt() throws Exception {
        write(change(Operation.UPDATE, 1, "Ada", "12.30", "erp", Map.of("erp", 3L)));

        assertThat(rows())
                .containsExactly(new Row(1, "acme", "Ada", "12.30", "erp", "{\"erp\":3}"));
    }

    @Test
    void peerSinkWritesOverTheWriterConnection() throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        new Configuration().set(PipelineOptions.GENERIC_TYPES, false));
        // One entity's changes must reach the sink in order.
        env.setParallelism(1);
        env.fromData(
                        List.of(
                                change(
                                        Operation.CREATE,
                                        1,
                                        "Ada",
                                        "12.30",
                                        "erp",
                                        Map.of("erp", 1L)),
                                change(
                                        Operation.CREATE,
                                        2,
                                        "Grace",
                                        "7.50",
                                        null,
                                        Map.of("crm", 1L)),
                                change(
                                        Operation.UPDATE,
                                        1,
                                        "Ada L.",
                                        "13.00",
                                        "crm",
                                        Map.of("erp", 1L, "crm", 2L)),
                                change(
                                        Operation.DELETE,
                                        2,
                                        "Grace",
                                        "7.50",
                                        "crm",
                                        Map.of("crm", 2L))),
                        new AvroTypeInfo<>(ChangeEvent.class))
                .sinkTo(PeerSinks.peerTable(source, customers, batchSettings(), ERRORS))
                .name("peer-customers");

        env.execute("write-back peer sink");

        assertThat(rows())
                .containsExactly(
                        new Row(1, "acme", "Ada L.", "13.00", "crm", "{\"crm\":2,\"erp\":1}"));
    }

    @Test
    void sourceWithoutWriteBackIsRefused() {
        SourceConfig readOnly =
                new SourceConfig(
                        source.id(),
                        source.type(),
                        source.hostname(),
                        source.port(),
                        source.database(),
                        source.username(),
                        source.password(),
                        source.slotName(),
                        source.publication(),
                        source.startup(),
                        source.tables(),
                        source.priority(),
                        false);

        assertThatThrownBy(() -> WriteBackPeers.prepare(readOnly, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source 'crm' is not configured with writeBack: true");
        assertThatThrownBy(() -> PeerSinks.peerTable(readOnly, customers, batchSettings(), ERRORS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source 'crm' is not configured with writeBack: true");
    }

    @Test
    void userWithoutWritePrivilegesIsToldWhatToGrant() {
        POSTGRES.execute(
                DATABASE,
                "CREATE TABLE contacts (id bigint PRIMARY KEY, tenant_id text, email text)",
                "GRANT SELECT, UPDATE ON contacts TO " + LIMITED_USER);
        SourceConfig limited = source(LIMITED_USER, "limited", "contacts", List.of());

        assertThatThrownBy(() -> WriteBackPeers.prepare(limited, TableDiscovery.discover(limited)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "cannot prepare table \"public\".\"contacts\" of source 'crm' for"
                                + " write-back: the source user 'write_back_peers_limited' lacks"
                                + " INSERT, DELETE on it; grant it with: GRANT INSERT, UPDATE,"
                                + " DELETE ON \"public\".\"contacts\" TO"
                                + " \"write_back_peers_limited\"");
    }

    @Test
    void userWhoDoesNotOwnTheTableIsToldSo() {
        POSTGRES.execute(
                DATABASE,
                "CREATE TABLE contacts (id bigint PRIMARY KEY, tenant_id text, email text)",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON contacts TO " + LIMITED_USER);
        SourceConfig limited = source(LIMITED_USER, "limited", "contacts", List.of());

        assertThatThrownBy(() -> WriteBackPeers.prepare(limited, TableDiscovery.discover(limited)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "cannot prepare table \"public\".\"contacts\" of source 'crm' for"
                                + " write-back: ERROR: must be owner of table contacts")
                .hasMessageEndingWith(
                        "; the source user 'write_back_peers_limited' needs to own the table");
    }

    @Test
    void keyWithoutAUniqueIndexIsRefused() {
        POSTGRES.execute(
                DATABASE,
                "CREATE TABLE contacts (id bigint NOT NULL, tenant_id text, email text)",
                "CREATE INDEX contacts_id ON contacts (id)");
        SourceConfig keyedByConfiguration =
                source(POSTGRES.username(), POSTGRES.password(), "contacts", List.of("id"));

        assertThatThrownBy(
                        () ->
                                WriteBackPeers.prepare(
                                        keyedByConfiguration,
                                        TableDiscovery.discover(keyedByConfiguration)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "cannot prepare table \"public\".\"contacts\" of source 'crm' for"
                                + " write-back: no primary key or unique index covers exactly its"
                                + " key (\"id\"), which Syncline upserts by; add one, e.g. ALTER"
                                + " TABLE \"public\".\"contacts\" ADD PRIMARY KEY (\"id\")");
    }

    @Test
    void uniqueIndexOnTheConfiguredKeyIsAConflictTarget() throws Exception {
        POSTGRES.execute(
                DATABASE,
                "CREATE TABLE contacts (tenant_id text NOT NULL, email text NOT NULL, name text)",
                "CREATE UNIQUE INDEX contacts_email ON contacts (email, tenant_id)");
        SourceConfig keyed =
                source(
                        POSTGRES.username(),
                        POSTGRES.password(),
                        "contacts",
                        List.of("tenant_id", "email"));
        List<DiscoveredTable> tables = TableDiscovery.discover(keyed);

        WriteBackPeers.prepare(keyed, tables);

        assertThat(triggers("contacts")).containsExactly(markOriginTrigger("contacts"));
        PeerWrite contacts = new PeerWrite(WriteBackPeers.peerTableOf(tables.get(0)));
        Map<String, FieldValue> image = new LinkedHashMap<>();
        image.put("tenant_id", new FieldValue(FieldKind.STRING, "acme"));
        image.put("email", new FieldValue(FieldKind.STRING, "ada@example.com"));
        image.put("name", new FieldValue(FieldKind.STRING, "Ada"));
        ChangeEvent created = change(Operation.CREATE, image, "erp", Map.of("erp", 1L));
        image.put("name", new FieldValue(FieldKind.STRING, "Ada L."));
        ChangeEvent updated = change(Operation.UPDATE, image, "erp", Map.of("erp", 2L));
        write(writer, contacts, created);
        write(writer, contacts, updated);
        assertThat(queryColumn("SELECT name || ' ' || _syncline_clock FROM contacts"))
                .containsExactly("Ada L. {\"erp\":2}");
    }

    private SourceConfig source(
            String username, String password, String table, List<String> primaryKey) {
        return new SourceConfig(
                "crm",
                "postgres",
                POSTGRES.host(),
                POSTGRES.port(),
                DATABASE,
                username,
                password,
                "syncline_crm",
                "syncline_crm",
                "initial",
                List.of(
                        new TableMapping(
                                "public." + table,
                                "customer",
                                primaryKey,
                                "tenant_id",
                                null,
                                table)),
                0,
                true);
    }

    private static final ErrorsTable ERRORS =
            new ErrorsTable("public", "syncline_errors", Escalation.defaults());

    private static TargetSettings batchSettings() {
        return new TargetSettings(
                POSTGRES.jdbcUrl(DATABASE),
                POSTGRES.username(),
                POSTGRES.password(),
                "public",
                false,
                100,
                Duration.ofMillis(100),
                RetryPolicy.ofRetries(3, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.1),
                "syncline_errors",
                "syncline_conflicts",
                "quality_metrics",
                "syncline_alerts",
                CircuitBreakerSettings.DEFAULTS,
                "syncline_audit");
    }

    /** A connection as Syncline's write-back sink opens it. */
    private static Connection writerConnection() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", POSTGRES.username());
        properties.setProperty("password", POSTGRES.password());
        properties.setProperty("options", WriteBackPeers.WRITER_OPTIONS);
        return DriverManager.getConnection(POSTGRES.jdbcUrl(DATABASE), properties);
    }

    private int write(ChangeEvent change) throws SQLException {
        return write(writer, write, change);
    }

    private int write(Connection connection, ChangeEvent change) throws SQLException {
        return write(connection, write, change);
    }

    private static int write(Connection connection, PeerWrite write, ChangeEvent change)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(write.query())) {
            write.statement(statement, change);
            return statement.executeUpdate();
        }
    }

    private static ChangeEvent change(
            Operation op,
            long id,
            String name,
            String amount,
            String origin,
            Map<String, Long> clock) {
        Map<String, FieldValue> image = new LinkedHashMap<>();
        image.put("id", new FieldValue(FieldKind.LONG, id));
        image.put("tenant_id", new FieldValue(FieldKind.STRING, "acme"));
        image.put("name", new FieldValue(FieldKind.STRING, name));
        image.put("amount", new FieldValue(FieldKind.DECIMAL, amount));
        return change(op, image, origin, clock);
    }

    private static ChangeEvent change(
            Operation op, Map<String, FieldValue> image, String origin, Map<String, Long> clock) {
        boolean deleted = op == Operation.DELETE;
        return ChangeEvent.newBuilder()
                .setEventId("shop/" + op + "/" + image.values())
                .setTenant("acme")
                .setEntityType("customer")
                .setEntityId(String.valueOf(image.values().iterator().next().getValue()))
                .setOp(op)
                .setBefore(deleted ? new LinkedHashMap<>(image) : null)
                .setAfter(deleted ? null : new LinkedHashMap<>(image))
                .setSourceCommitTime(Instant.parse("2024-01-15T10:30:45Z"))
                .setCaptureTime(Instant.parse("2024-01-15T10:30:46Z"))
                .setSourceId("shop")
                .setSourcePosition("1")
                .setVersion(1L)
                .setOrigin(origin)
                .setVectorClock(clock)
                .build();
    }

    private List<Row> rows() throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Statement statement = application.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT id, tenant_id, name, amount::text, _syncline_origin,"
                                        + " _syncline_clock FROM customers ORDER BY id")) {
            while (result.next()) {
                rows.add(
                        new Row(
                                result.getLong(1),
                                result.getString(2),
                                result.getString(3),
                                result.getString(4),
                                result.getString(5),
                                result.getString(6)));
            }
        }
        return rows;
    }

    private List<String> triggers(String table) throws SQLException {
        return queryColumn(
                "SELECT tgenabled::text || ' ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE"
                        + " tgrelid = '"
                        + table
                        + "'::regclass AND NOT tgisinternal");
    }

    /** The origin trigger, enabled ("O"), as PostgreSQL prints its definition. */
    private static String markOriginTrigger(String table) {
        return "O CREATE TRIGGER syncline_mark_origin BEFORE INSERT OR UPDATE ON public."
                + table
                + " FOR EACH ROW EXECUTE FUNCTION syncline_mark_origin()";
    }

    private List<String> queryColumn(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = application.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                values.add(result.getString(1));
            }
        }
        return values;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** A row of the peer table with its bookkeeping columns. */
    private record Row(
            long id, String tenant, String name, String amount, String origin, String clock) {}
}
