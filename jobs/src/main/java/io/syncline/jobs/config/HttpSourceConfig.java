package io.syncline.jobs.config;

import io.syncline.operators.http.CursorSettings;
import io.syncline.operators.http.ItemFields;
import io.syncline.operators.http.OAuthSettings;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.sink.TargetColumn;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A REST API that lists changes since a cursor (type {@code http}), polled per resource with the
 * resources' cursors in Flink's checkpoints. Each entry of {@code tables} is a resource: {@code
 * table: customers} reads {@code GET {baseUrl}/customers}.
 *
 * @param baseUrl the API's base URL, e.g. {@code https://api.example.com/v2}
 * @param auth OAuth 2.0 client credentials, or null for an API without authentication
 * @param pollInterval how long a caught-up resource waits before asking again
 * @param pageSize items asked for per page
 * @param pageSizeParam the query parameter carrying the page size
 * @param itemsPointer JSON pointer of the items array in a page
 * @param cursor how the position in a resource is kept and passed
 * @param fields which item fields carry the version, update time, deletion and operation
 * @param retry how 429s, 5xx, I/O failures and pages that are not JSON are retried
 * @param requestTimeout how long one request may take
 */
public record HttpSourceConfig(
        String id,
        int priority,
        String baseUrl,
        OAuthSettings auth,
        Duration pollInterval,
        int pageSize,
        String pageSizeParam,
        String itemsPointer,
        CursorSettings cursor,
        ItemFields fields,
        RetryPolicy retry,
        Duration requestTimeout,
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
