package io.syncline.operators.decode.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.decode.DecodeOutcome;
import io.syncline.operators.decode.TableBinding;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample messages in {@code debezium/} (JSON) and {@code debezium/avro/}, the tables they are
 * bound to, and what the tests of both decoders expect of them.
 */
final class DebeziumSamples {

    static final Instant NOW = Instant.parse("2024-01-15T10:31:00Z");
    static final String TOPIC = "PostgreSQL_server.public.customers";

    static final List<TableBinding> BINDINGS =
            List.of(
                    new TableBinding(
                            "public", "customers", "customer", List.of("id"), "tenant_id", null),
                    new TableBinding("public", "orders", "order", List.of("id"), "tenant_id", null),
                    new TableBinding(
                            "inventory",
                            "customers",
                            "customer",
                            List.of("id"),
                            "tenant_id",
                            null));

    private DebeziumSamples() {}

    /** The row of the typed-values samples, one column of every Debezium semantic type. */
    static Map<String, FieldValue> typedOrderRow() {
        Map<String, FieldValue> expected = new LinkedHashMap<>();
        expected.put("id", value(FieldKind.LONG, 9001L));
        expected.put("tenant_id", value(FieldKind.STRING, "acme"));
        expected.put("price", value(FieldKind.DECIMAL, "1234.50"));
        expected.put("weight", value(FieldKind.DECIMAL, "12.345"));
        expected.put("order_date", value(FieldKind.DATE, 19737));
        expected.put("created_at", value(FieldKind.TIMESTAMP, 1705314645123456L));
        expected.put("shipped_at", value(FieldKind.TIMESTAMP, 1705314700000000L));
        expected.put("updated_at", value(FieldKind.TIMESTAMP_TZ, "2024-01-15T10:31:40.5Z"));
        expected.put("attributes", value(FieldKind.JSON, "{\"color\":\"red\"}"));
        expected.put("reference", value(FieldKind.UUID, "4b0e4a6c-5b7e-4b1f-9a51-0f0c4c1e2d3a"));
        expected.put("quantity", value(FieldKind.INT, 3));
        expected.put("priority", value(FieldKind.INT, 2));
        expected.put("ratio", value(FieldKind.FLOAT, 0.5f));
        expected.put("score", value(FieldKind.DOUBLE, 4.25));
        expected.put("gift", value(FieldKind.BOOLEAN, true));
        expected.put("barcode", value(FieldKind.BYTES, ByteBuffer.wrap(new byte[] {1, 2, 3})));
        expected.put("note", value(FieldKind.STRING, null));
        return expected;
    }

    static ChangeEvent decoded(DecodeOutcome outcome) {
        assertThat(outcome).isInstanceOf(DecodeOutcome.Decoded.class);
        return ((DecodeOutcome.Decoded) outcome).event();
    }

    static ErrorRecord rejected(DecodeOutcome outcome) {
        assertThat(outcome).isInstanceOf(DecodeOutcome.Rejected.class);
        return ((DecodeOutcome.Rejected) outcome).error();
    }

    static FieldValue value(FieldKind kind, Object value) {
        return new FieldValue(kind, value);
    }

    static Map<String, FieldValue> row(Object... columnsAndValues) {
        Map<String, FieldValue> row = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            row.put((String) columnsAndValues[i], (FieldValue) columnsAndValues[i + 1]);
        }
        return row;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(String name) {
        return new String(resource(name), StandardCharsets.UTF_8);
    }

    /** The sample {@code debezium/<name>}. */
    static byte[] resource(String name) {
        try (InputStream in = DebeziumSamples.class.getResourceAsStream("/debezium/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource debezium/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
