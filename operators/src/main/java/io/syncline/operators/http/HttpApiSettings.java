package io.syncline.operators.http;

import io.syncline.operators.retry.RetryPolicy;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How a delta API is spoken to: where it is, how to authenticate, how pages and cursors look, how
 * items say what happened and how failures are retried.
 *
 * @param baseUrl the API's base URL, without a trailing {@code /}
 * @param auth OAuth client credentials, or null for an API without authentication
 * @param pollInterval how long a resource that is caught up waits before asking again
 * @param pageSize items asked for per page
 * @param pageSizeParam the query parameter carrying {@code pageSize}
 * @param itemsPointer JSON pointer of the items array in a page, e.g. {@code /data}; empty when the
 *     page is the array
 * @param cursor how positions are kept
 * @param fields how items say what happened
 * @param retry how 429s, 5xx, I/O failures and pages that are not JSON are retried
 * @param requestTimeout how long one request may take
 */
public record HttpApiSettings(
        String baseUrl,
        OAuthSettings auth,
        Duration pollInterval,
        int pageSize,
        String pageSizeParam,
        String itemsPointer,
        CursorSettings cursor,
        ItemFields fields,
        RetryPolicy retry,
        Duration requestTimeout)
        implements Serializable {

    public HttpApiSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(pageSizeParam, "pageSizeParam");
        Objects.requireNonNull(itemsPointer, "itemsPointer");
        Objects.requireNonNull(cursor, "cursor");
        Objects.requireNonNull(fields, "fields");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1: " + pageSize);
        }
        if (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
        if (cursor.mode() == CursorSettings.Mode.TIMESTAMP && fields.updatedAtField() == null) {
            throw new IllegalArgumentException(
                    "a timestamp cursor needs fields.updatedAt, the timestamp it advances by");
        }
    }
}
