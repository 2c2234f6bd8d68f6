package io.syncline.jobs.sources;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.embedded.EmbeddedKafkaBroker;
import io.syncline.embedded.SchemaRegistryStandIn;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes what two Debezium connectors would write to Kafka, and remembers what the target must then
 * hold: a Postgres connector {@code erp} with Kafka Connect's JsonConverter (customers with
 * schemas, orders without), and a MySQL connector {@code shop} with Confluent's AvroConverter
 * (products, schemas in the registry stand-in). Changes come in transactions with their BEGIN/END
 * records on the transaction topics, deletes are followed by tombstones, and {@link
 * #alterProducts()} writes a schema change event and moves on to a product schema with one more
 * column.
 */
final class DebeziumTopicWorkload implements AutoCloseable {

    static final List<String> TENANTS = List.of("acme", "globex");

    static final String CUSTOMER_COLUMNS = "id, tenant_id, name, balance, updated_at";
    static final String ORDER_COLUMNS = "id, tenant_id, customer_id, amount, status";
    static final String PRODUCT_COLUMNS = "id, tenant_id, name, price, added_at, note";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SQL_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final LocalDateTime EPOCH_OF_ROWS = LocalDateTime.of(2026, 11, 1, 9, 30);

    private final String name;
    private final SchemaRegistryStandIn registry;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Random random = new Random(11);

    // Expected target rows by table and id: column texts, then the deleted flag. The version the
    // target holds is the resolver's applied version, not the source's, so it is not compared.
    private final Map<String, Map<Long, List<String>>> expectedRows = new LinkedHashMap<>();
    private final Set<String> expectedEventIds = new HashSet<>();
    private final Table customers;
    private final Table orders;
    private final Table products;

    private long lsn = 30_000_000L;
    private long txId = 900;
    private int binlogFile = 4;
    private long binlogPos = 154;
    private int gtidSequence = 1;
    private boolean productsHaveNote;
    private Schema productEnvelope;
    private Schema productKey;

    DebeziumTopicWorkload(String name, EmbeddedKafkaBroker kafka, SchemaRegistryStandIn registry) {
        this.name = name;
        this.registry = registry;
        customers = new Table("customers", "customer", "erp", customersTopic(), 5);
        orders = new Table("orders", "order", "erp", ordersTopic(), 5);
        products = new Table("products", "product", "shop", productsTopic(), 6);
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        properties.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer());
        for (String topic : topics()) {
            kafka.createTopic(topic, 2);
        }
        productEnvelope = DebeziumSchemas.mysqlProductEnvelope(shopPrefix(), false);
        productKey = DebeziumSchemas.mysqlProductKey(shopPrefix());
    }

    String erpPrefix() {
        return "erp_" + name;
    }

    String shopPrefix() {
        return "shop_" + name;
    }

    String customersTopic() {
        return erpPrefix() + ".public.customers";
    }

    String ordersTopic() {
        return erpPrefix() + ".public.orders";
    }

    String productsTopic() {
        return shopPrefix() + ".inventory.products";
    }

    /** The topics of the {@code erp} connector: its tables and its transaction metadata. */
    List<String> erpTopics() {
        return List.of(customersTopic(), ordersTopic(), erpPrefix() + ".transaction");
    }

    /**
     * The topics of the {@code shop} connector: its table, its schema changes (the topic named by
     * the prefix alone) and its transaction metadata.
     */
    List<String> shopTopics() {
        return List.of(productsTopic(), shopPrefix(), shopPrefix() + ".transaction");
    }

    private List<String> topics() {
        List<String> topics = new ArrayList<>(erpTopics());
        topics.addAll(shopTopics());
        return topics;
    }

    /** Rows the target table {@code table} must hold, ordered by id. */
    List<List<String>> expectedRows(String table) {
        return List.copyOf(expectedRows.get(table).values());
    }

    Set<String> expectedEventIds() {
        return Set.copyOf(expectedEventIds);
    }

    /** {@code count} transactions of one to three changes, alternating between the connectors. */
    void writeTransactions(int count) {
        for (int i = 0; i < count; i++) {
            if (random.nextBoolean()) {
                erpTransaction(1 + random.nextInt(3));
            } else {
                shopTransaction(1 + random.nextInt(3));
            }
        }
        producer.flush();
    }

    /**
     * {@code ALTER TABLE products ADD COLUMN note}: the schema change event on the schema change
     * topic, after a binlog rotation; from now on product messages carry {@code note}, under a new
     * schema id.
     */
    void alterProducts() {
        binlogFile++;
        binlogPos = 4;
        GenericRecord change = DebeziumSchemas.schemaChange(shopPrefix(), mysqlSource(null, null));
        send(shopPrefix(), null, registry.serialize(shopPrefix() + "-value", change));
        binlogPos += 211;
        productsHaveNote = true;
        productEnvelope = DebeziumSchemas.mysqlProductEnvelope(shopPrefix(), true);
        producer.flush();
    }

    /** A message that is not JSON on the customers topic: an error, not a stop. */
    void writeMalformedJson() {
        send(
                customersTopic(),
                null,
                "{\"before\":null,\"after\":{\"id\":".getBytes(StandardCharsets.UTF_8));
        producer.flush();
    }

    /** An Avro message whose schema id the registry never gave out. */
    void writeUnknownSchemaId() {
        byte[] message = productMessage("c", null, 999L, "acme", "ghost", null);
        ByteBuffer.wrap(message).putInt(1, 987_654);
        send(productsTopic(), null, message);
        producer.flush();
    }

    private void erpTransaction(int changes) {
        txId++;
        String transaction = txId + ":" + (lsn + 8);
        long eventTime = eventMillis();
        send(erpPrefix() + ".transaction", null, erpBoundary("BEGIN", transaction, eventTime, 0));
        for (int order = 1; order <= changes; order++) {
            lsn += 56 + random.nextInt(200);
            if (random.nextInt(3) < 2) {
                customerChange(transaction, order);
            } else {
                orderChange(transaction, order);
            }
        }
        send(
                erpPrefix() + ".transaction",
                null,
                erpBoundary("END", transaction, eventTime, changes));
    }

    private void shopTransaction(int changes) {
        String gtid = "3E11FA47-71CA-11E1-9E33-C80AA9429562:" + gtidSequence++;
        long eventTime = eventMillis();
        send(shopPrefix() + ".transaction", null, shopBoundary("BEGIN", gtid, eventTime, 0));
        for (int order = 1; order <= changes; order++) {
            binlogPos += 300 + random.nextInt(400);
            productChange(gtid, order);
        }
        send(shopPrefix() + ".transaction", null, shopBoundary("END", gtid, eventTime, changes));
    }

    private void customerChange(String transaction, int order) {
        Change change = customers.next();
        long id = change.id();
        String tenant = change.tenant();
        ObjectNode before = change.creates() ? null : customerRow(id, tenant, lsn - 1);
        ObjectNode after = change.deletes() ? null : customerRow(id, tenant, lsn);
        ObjectNode envelope =
                envelope(
                        before,
                        after,
                        postgresSource("customers"),
                        change.op(),
                        transaction,
                        order);
        byte[] key = customerKey(id);
        send(
                customers.topic,
                key,
                withSchema(DebeziumSchemas.postgresCustomerEnvelope(erpPrefix()), envelope));
        customers.sent(
                change,
                key,
                String.valueOf(lsn),
                row(
                        id,
                        tenant,
                        "customer " + id + " v" + lsn,
                        balance(id, lsn).toPlainString(),
                        SQL_TIMESTAMP.format(EPOCH_OF_ROWS.plusSeconds(lsn % 100_000)),
                        false));
    }

    private void orderChange(String transaction, int order) {
        Change change = orders.next();
        long id = change.id();
        String tenant = change.tenant();
        ObjectNode before = change.creates() ? null : orderRow(id, tenant, lsn - 1);
        ObjectNode after = change.deletes() ? null : orderRow(id, tenant, lsn);
        ObjectNode envelope =
                envelope(before, after, postgresSource("orders"), change.op(), transaction, order);
        byte[] key = bytes(JSON.createObjectNode().put("id", id));
        send(orders.topic, key, bytes(envelope));
        orders.sent(
                change,
                key,
                String.valueOf(lsn),
                row(
                        id,
                        tenant,
                        String.valueOf(id * 7),
                        amount(id, lsn),
                        lsn % 2 == 0 ? "open" : "paid",
                        false));
    }

    private void productChange(String gtid, int order) {
        Change change = products.next();
        long id = change.id();
        String note = productsHaveNote ? "note " + binlogPos : null;
        String name = "product " + id + " at " + binlogPos;
        byte[] message =
                productMessage(change.op(), gtid + "#" + order, id, change.tenant(), name, note);
        GenericRecord key = new GenericData.Record(productKey);
        key.put("id", id);
        byte[] keyBytes = registry.serialize(products.topic + "-key", key);
        send(products.topic, keyBytes, message);
        products.sent(
                change,
                keyBytes,
                "mysql-bin." + String.format("%06d", binlogFile) + ":" + binlogPos,
                row(
                        id,
                        change.tenant(),
                        name,
                        price(id, binlogPos).toPlainString(),
                        SQL_TIMESTAMP.format(EPOCH_OF_ROWS.plusMinutes(binlogPos % 10_000)),
                        note,
                        false));
    }

    /**
     * A product change in the wire format; {@code transaction} is {@code gtid#order}, or null for
     * none.
     */
    private byte[] productMessage(
            String op, String transaction, long id, String tenant, String name, String note) {
        Schema value = productEnvelope.getField("after").schema().getTypes().get(1);
        GenericRecord row = new GenericData.Record(value);
        row.put("id", id);
        row.put("tenant_id", tenant);
        row.put("name", name);
        row.put("price", ByteBuffer.wrap(price(id, binlogPos).unscaledValue().toByteArray()));
        row.put(
                "added_at",
                EPOCH_OF_ROWS
                        .plusMinutes(binlogPos % 10_000)
                        .toInstant(ZoneOffset.UTC)
                        .toEpochMilli());
        if (productsHaveNote) {
            row.put("note", note);
        }
        GenericRecord envelope = new GenericData.Record(productEnvelope);
        // An update's or delete's old image need not be exact: only the new one (or, for a
        // delete, the old one's key and tenant) reaches the target.
        envelope.put("before", op.equals("c") ? null : row);
        envelope.put("after", op.equals("d") ? null : row);
        String gtid =
                transaction == null ? null : transaction.substring(0, transaction.indexOf('#'));
        envelope.put("source", mysqlSource("products", gtid));
        envelope.put("op", op);
        envelope.put("ts_ms", eventMillis() + 40);
        if (transaction != null) {
            GenericRecord block =
                    new GenericData.Record(
                            productEnvelope.getField("transaction").schema().getTypes().get(1));
            long order = Long.parseLong(transaction.substring(transaction.indexOf('#') + 1));
            block.put("id", gtid);
            block.put("total_order", order);
            block.put("data_collection_order", order);
            envelope.put("transaction", block);
        }
        return registry.serialize(productsTopic() + "-value", envelope);
    }

    private GenericRecord mysqlSource(String table, String gtid) {
        GenericRecord source = new GenericData.Record(productEnvelope.getField("source").schema());
        source.put("version", "2.5.4.Final");
        source.put("connector", "mysql");
        source.put("name", shopPrefix());
        source.put("ts_ms", eventMillis());
        source.put("snapshot", "false");
        source.put("db", "inventory");
        source.put("table", table);
        source.put("server_id", 223344L);
        source.put("gtid", gtid);
        source.put("file", "mysql-bin." + String.format("%06d", binlogFile));
        source.put("pos", binlogPos);
        source.put("row", 0);
        source.put("thread", 7L);
        return source;
    }

    private byte[] shopBoundary(String status, String gtid, long eventTime, int events) {
        Schema schema = DebeziumSchemas.transactionMetadata();
        GenericRecord boundary = new GenericData.Record(schema);
        boundary.put("status", status);
        boundary.put("id", gtid);
        boundary.put("ts_ms", eventTime);
        if (status.equals("END")) {
            boundary.put("event_count", (long) events);
        }
        return registry.serialize(shopPrefix() + ".transaction-value", boundary);
    }

    private static byte[] erpBoundary(String status, String id, long eventTime, int events) {
        ObjectNode boundary =
                JSON.createObjectNode().put("status", status).put("id", id).put("ts_ms", eventTime);
        if (status.equals("END")) {
            boundary.put("event_count", events);
            ArrayNode collections = boundary.putArray("data_collections");
            collections
                    .addObject()
                    .put("data_collection", "public.customers")
                    .put("event_count", events);
        } else {
            boundary.putNull("event_count");
            boundary.putNull("data_collections");
        }
        return bytes(boundary);
    }

    private ObjectNode envelope(
            ObjectNode before,
            ObjectNode after,
            ObjectNode source,
            String op,
            String transaction,
            int order) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("before", before);
        envelope.set("after", after);
        envelope.set("source", source);
        envelope.put("op", op);
        envelope.put("ts_ms", eventMillis() + 40);
        envelope.putObject("transaction")
                .put("id", transaction)
                .put("total_order", order)
                .put("data_collection_order", order);
        return envelope;
    }

    private ObjectNode postgresSource(String table) {
        return JSON.createObjectNode()
                .put("version", "2.5.4.Final")
                .put("connector", "postgresql")
                .put("name", erpPrefix())
                .put("ts_ms", eventMillis())
                .put("snapshot", "false")
                .put("db", "erp")
                .put("sequence", "[null,\"" + lsn + "\"]")
                .put("schema", "public")
                .put("table", table)
                .put("txId", txId)
                .put("lsn", lsn)
                .putNull("xmin");
    }

    /** A customer as the JSON payload of its schema: balance as Connect Decimal bytes. */
    private ObjectNode customerRow(long id, String tenant, long at) {
        return JSON.createObjectNode()
                .put("id", id)
                .put("tenant_id", tenant)
                .put("name", "customer " + id + " v" + at)
                .put(
                        "balance",
                        Base64.getEncoder()
                                .encodeToString(balance(id, at).unscaledValue().toByteArray()))
                .put(
                        "updated_at",
                        EPOCH_OF_ROWS
                                        .plusSeconds(at % 100_000)
                                        .toInstant(ZoneOffset.UTC)
                                        .toEpochMilli()
                                * 1000);
    }

    /** An order without schema, as {@code decimal.handling.mode=string} writes its amount. */
    private ObjectNode orderRow(long id, String tenant, long at) {
        return JSON.createObjectNode()
                .put("id", id)
                .put("tenant_id", tenant)
                .put("customer_id", id * 7)
                .put("amount", amount(id, at))
                .put("status", at % 2 == 0 ? "open" : "paid");
    }

    private byte[] customerKey(long id) {
        return ("{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,"
                        + "\"field\":\"id\"}],\"optional\":false,\"name\":\""
                        + erpPrefix()
                        + ".public.customers.Key\"},\"payload\":{\"id\":"
                        + id
                        + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withSchema(String schema, ObjectNode payload) {
        return ("{\"schema\":" + schema + ",\"payload\":" + payload + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private long eventMillis() {
        return 1_790_000_000_000L + lsn / 10 + binlogPos;
    }

    private static BigDecimal balance(long id, long at) {
        return BigDecimal.valueOf((id * 1_000 + at) % 10_000_000, 2);
    }

    private static String amount(long id, long at) {
        return BigDecimal.valueOf((id * 37 + at) % 1_000_000, 2).toPlainString();
    }

    private static BigDecimal price(long id, long at) {
        return BigDecimal.valueOf((id * 313 + at) % 100_000, 2);
    }

    private static List<String> row(Object... values) {
        List<String> row = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (i == values.length - 1) {
                row.add((Boolean) value ? "t" : "f");
            } else {
                row.add(value == null ? null : value.toString());
            }
        }
        return row;
    }

    /** A tombstone row: the key, NULL in the other {@code width - 1} columns, deleted. */
    private static List<String> deletedRow(long id, int width) {
        List<String> row = new ArrayList<>();
        row.add(String.valueOf(id));
        for (int i = 1; i < width; i++) {
            row.add(null);
        }
        row.add("t");
        return row;
    }

    private void send(String topic, byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    private static byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }

    /** A change the workload makes: {@code c}, {@code u} or {@code d} of a row of a tenant. */
    private record Change(String op, long id, String tenant) {

        boolean creates() {
            return op.equals("c");
        }

        boolean deletes() {
            return op.equals("d");
        }
    }

    /** One captured table: its topic, its live rows, and what its target table must hold. */
    private final class Table {
        private final String name;
        private final String entityType;
        private final String sourceId;
        private final String topic;
        private final int width;
        private final Map<Long, String> live = new TreeMap<>();
        private long nextId = 1;

        Table(String name, String entityType, String sourceId, String topic, int width) {
            this.name = name;
            this.entityType = entityType;
            this.sourceId = sourceId;
            this.topic = topic;
            this.width = width;
            expectedRows.put(name, new TreeMap<>());
        }

        /** A create of a new row (always when none is live), or an update or delete of one. */
        Change next() {
            int dice = random.nextInt(10);
            if (live.isEmpty() || dice < 4) {
                return new Change("c", nextId++, TENANTS.get(random.nextInt(TENANTS.size())));
            }
            List<Long> ids = new ArrayList<>(live.keySet());
            long id = ids.get(random.nextInt(ids.size()));
            return new Change(dice < 8 ? "u" : "d", id, live.get(id));
        }

        /**
         * {@code change}, sent at {@code position}, is what the target must show: {@code row}, or
         * after a delete (followed by its tombstone) the key alone.
         */
        void sent(Change change, byte[] key, String position, List<String> row) {
            if (change.deletes()) {
                send(topic, key, null);
                live.remove(change.id());
                expectedRows.get(name).put(change.id(), deletedRow(change.id(), width));
            } else {
                live.put(change.id(), change.tenant());
                expectedRows.get(name).put(change.id(), row);
            }
            expectedEventIds.add(
                    sourceId
                            + "/"
                            + position
                            + "/"
                            + change.tenant()
                            + "/"
                            + entityType
                            + "/"
                            + change.id());
        }
    }
}
