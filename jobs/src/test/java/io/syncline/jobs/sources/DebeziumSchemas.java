package io.syncline.jobs.sources;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The schemas Debezium 2.5 connectors write with, as Kafka Connect's JsonConverter embeds them and
 * as Confluent's AvroConverter registers them (Connect names and parameters in {@code connect.*}
 * properties).
 */
final class DebeziumSchemas {

    private DebeziumSchemas() {}

    /** The JsonConverter schema of a Postgres connector's {@code public.customers} envelope. */
    static String postgresCustomerEnvelope(String prefix) {
        String row =
                """
                {"type":"struct","optional":true,"name":"%1$s.public.customers.Value","field":"%2$s",
                 "fields":[
                  {"type":"int64","optional":false,"field":"id"},
                  {"type":"string","optional":true,"field":"tenant_id"},
                  {"type":"string","optional":true,"field":"name"},
                  {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal",
                   "version":1,"parameters":{"scale":"2","connect.decimal.precision":"12"},
                   "field":"balance"},
                  {"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp",
                   "version":1,"field":"updated_at"}]}""";
        return """
                {"type":"struct","optional":false,"name":"%1$s.public.customers.Envelope",
                 "version":1,"fields":[%2$s,%3$s,
                  {"type":"struct","optional":false,"name":"io.debezium.connector.postgresql.Source",
                   "field":"source","fields":[
                    {"type":"string","optional":false,"field":"version"},
                    {"type":"string","optional":false,"field":"connector"},
                    {"type":"string","optional":false,"field":"name"},
                    {"type":"int64","optional":false,"field":"ts_ms"},
                    {"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,
                     "parameters":{"allowed":"true,last,false,incremental"},"default":"false",
                     "field":"snapshot"},
                    {"type":"string","optional":false,"field":"db"},
                    {"type":"string","optional":true,"field":"sequence"},
                    {"type":"string","optional":false,"field":"schema"},
                    {"type":"string","optional":false,"field":"table"},
                    {"type":"int64","optional":true,"field":"txId"},
                    {"type":"int64","optional":true,"field":"lsn"},
                    {"type":"int64","optional":true,"field":"xmin"}]},
                  {"type":"string","optional":false,"field":"op"},
                  {"type":"int64","optional":true,"field":"ts_ms"},
                  {"type":"struct","optional":true,"name":"event.block","version":1,
                   "field":"transaction","fields":[
                    {"type":"string","optional":false,"field":"id"},
                    {"type":"int64","optional":false,"field":"total_order"},
                    {"type":"int64","optional":false,"field":"data_collection_order"}]}]}"""
                .formatted(prefix, row.formatted(prefix, "before"), row.formatted(prefix, "after"));
    }

    /** The AvroConverter schema of a MySQL connector's {@code inventory.products} key. */
    static Schema mysqlProductKey(String prefix) {
        return parse(
                """
                {"type":"record","name":"Key","namespace":"%1$s.inventory.products",
                 "fields":[{"name":"id","type":"long"}],
                 "connect.name":"%1$s.inventory.products.Key"}"""
                        .formatted(prefix));
    }

    /**
     * The AvroConverter schema of a MySQL connector's {@code inventory.products} envelope; {@code
     * withNote} after {@code ALTER TABLE products ADD COLUMN note}.
     */
    static Schema mysqlProductEnvelope(String prefix, boolean withNote) {
        String note =
                withNote
                        ? ",{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}"
                        : "";
        return parse(
                """
                {"type":"record","name":"Envelope","namespace":"%1$s.inventory.products",
                 "fields":[
                  {"name":"before","type":["null",{"type":"record","name":"Value","fields":[
                    {"name":"id","type":"long"},
                    {"name":"tenant_id","type":["null","string"],"default":null},
                    {"name":"name","type":["null","string"],"default":null},
                    {"name":"price","type":["null",{"type":"bytes","scale":2,"precision":10,
                     "connect.version":1,
                     "connect.parameters":{"scale":"2","connect.decimal.precision":"10"},
                     "connect.name":"org.apache.kafka.connect.data.Decimal",
                     "logicalType":"decimal"}],"default":null},
                    {"name":"added_at","type":["null",{"type":"long","connect.version":1,
                     "connect.name":"io.debezium.time.Timestamp"}],"default":null}%2$s],
                   "connect.name":"%1$s.inventory.products.Value"}],"default":null},
                  {"name":"after","type":["null","Value"],"default":null},
                  {"name":"source","type":%3$s},
                  {"name":"op","type":"string"},
                  {"name":"ts_ms","type":["null","long"],"default":null},
                  {"name":"transaction","type":["null",{"type":"record","name":"block",
                   "namespace":"event","fields":[
                    {"name":"id","type":"string"},
                    {"name":"total_order","type":"long"},
                    {"name":"data_collection_order","type":"long"}],
                   "connect.version":1,"connect.name":"event.block"}],"default":null}],
                 "connect.version":1,"connect.name":"%1$s.inventory.products.Envelope"}"""
                        .formatted(prefix, note, MYSQL_SOURCE));
    }

    /**
     * The schema change event of {@code ALTER TABLE products ADD COLUMN note} on the connector's
     * schema change topic; {@code source} a record of {@link #MYSQL_SOURCE}.
     */
    static GenericRecord schemaChange(String prefix, GenericRecord source) {
        Schema schema =
                parse(
                        """
                        {"type":"record","name":"SchemaChangeValue",
                         "namespace":"io.debezium.connector.mysql","fields":[
                          {"name":"source","type":%s},
                          {"name":"ts_ms","type":"long"},
                          {"name":"databaseName","type":["null","string"],"default":null},
                          {"name":"schemaName","type":["null","string"],"default":null},
                          {"name":"ddl","type":["null","string"],"default":null},
                          {"name":"tableChanges","type":{"type":"array","items":{
                           "type":"record","name":"Change","namespace":"io.debezium.connector.schema",
                           "fields":[
                            {"name":"type","type":"string"},
                            {"name":"id","type":"string"},
                            {"name":"table","type":["null",{"type":"record","name":"Table",
                             "fields":[
                              {"name":"primaryKeyColumnNames","type":["null",
                               {"type":"array","items":"string"}],"default":null},
                              {"name":"columns","type":{"type":"array","items":{
                               "type":"record","name":"Column","fields":[
                                {"name":"name","type":"string"},
                                {"name":"typeName","type":"string"},
                                {"name":"position","type":"int"},
                                {"name":"optional","type":["null","boolean"],"default":null}],
                               "connect.name":"io.debezium.connector.schema.Column"}}}],
                             "connect.name":"io.debezium.connector.schema.Table"}],
                             "default":null}],
                           "connect.name":"io.debezium.connector.schema.Change"}}}],
                         "connect.name":"io.debezium.connector.mysql.SchemaChangeValue"}"""
                                .formatted(MYSQL_SOURCE));
        Schema changeSchema = schema.getField("tableChanges").schema().getElementType();
        Schema tableSchema = changeSchema.getField("table").schema().getTypes().get(1);
        Schema columnSchema = tableSchema.getField("columns").schema().getElementType();
        GenericRecord column = new GenericData.Record(columnSchema);
        column.put("name", "note");
        column.put("typeName", "VARCHAR");
        column.put("position", 6);
        column.put("optional", true);
        GenericRecord table = new GenericData.Record(tableSchema);
        table.put("primaryKeyColumnNames", List.of("id"));
        table.put("columns", List.of(column));
        GenericRecord change = new GenericData.Record(changeSchema);
        change.put("type", "ALTER");
        change.put("id", "\"inventory\".\"products\"");
        change.put("table", table);
        GenericRecord event = new GenericData.Record(schema);
        GenericRecord ownSource = new GenericData.Record(schema.getField("source").schema());
        source.getSchema().getFields().forEach(f -> ownSource.put(f.name(), source.get(f.name())));
        event.put("source", ownSource);
        event.put("ts_ms", source.get("ts_ms"));
        event.put("databaseName", "inventory");
        event.put("ddl", "ALTER TABLE products ADD COLUMN note VARCHAR(200)");
        event.put("tableChanges", List.of(change));
        return event;
    }

    /** The AvroConverter schema of a connector's transaction metadata topic. */
    static Schema transactionMetadata() {
        return parse(
                """
                {"type":"record","name":"TransactionMetadataValue",
                 "namespace":"io.debezium.connector.common","fields":[
                  {"name":"status","type":"string"},
                  {"name":"id","type":"string"},
                  {"name":"event_count","type":["null","long"],"default":null},
                  {"name":"data_collections","type":["null",{"type":"array","items":{
                   "type":"record","name":"event","namespace":"","fields":[
                    {"name":"data_collection","type":"string"},
                    {"name":"event_count","type":"long"}],"connect.name":"event"}}],
                   "default":null},
                  {"name":"ts_ms","type":"long"}],
                 "connect.version":1,
                 "connect.name":"io.debezium.connector.common.TransactionMetadataValue"}""");
    }

    /** A MySQL connector's {@code source} block as AvroConverter registers it. */
    static final String MYSQL_SOURCE =
            """
            {"type":"record","name":"Source","namespace":"io.debezium.connector.mysql","fields":[
              {"name":"version","type":"string"},
              {"name":"connector","type":"string"},
              {"name":"name","type":"string"},
              {"name":"ts_ms","type":"long"},
              {"name":"snapshot","type":[{"type":"string","connect.version":1,
               "connect.parameters":{"allowed":"true,last,false,incremental"},
               "connect.default":"false","connect.name":"io.debezium.data.Enum"},"null"],
               "default":"false"},
              {"name":"db","type":"string"},
              {"name":"sequence","type":["null","string"],"default":null},
              {"name":"table","type":["null","string"],"default":null},
              {"name":"server_id","type":"long"},
              {"name":"gtid","type":["null","string"],"default":null},
              {"name":"file","type":"string"},
              {"name":"pos","type":"long"},
              {"name":"row","type":"int"},
              {"name":"thread","type":["null","long"],"default":null},
              {"name":"query","type":["null","string"],"default":null}],
             "connect.name":"io.debezium.connector.mysql.Source"}""";

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}
