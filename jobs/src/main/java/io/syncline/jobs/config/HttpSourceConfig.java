package io.syncline.jobs.config;

import io.syncline.operators.http.HttpApiSettings;
import io.syncline.operators.sink.TargetColumn;
import java.util.List;
import java.util.Map;

/**
 * A REST API that lists changes since a cursor (type {@code http}), polled per resource with the
 * resources' cursors in Flink's checkpoints. Each entry of {@code tables} is a resource: {@code
 * table: customers} reads {@code GET {baseUrl}/customers}.
 *
 * @param api how the API is spoken to: base URL, auth, paging, cursor, item fields, retries
 */
public record HttpSourceConfig(
        String id,
        int priority,
        HttpApiSettings api,
        List<TableMapping> tables,
        Map<String, List<TargetColumn>> declaredColumns)
        implements ChangeSourceConfig {

    public static final String TYPE = HttpSourceBinder.TYPE;

    public HttpSourceConfig {
        tables = List.copyOf(tables);
        declaredColumns = Map.copyOf(declaredColumns);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
