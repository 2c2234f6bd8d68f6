package io.syncline.operators.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.schema.ErrorRecord;
import java.util.List;

/**
 * One page of a resource's changes.
 *
 * @param resource the resource read
 * @param cursor the cursor the page was asked for with, null for the beginning
 * @param items the page's items in the API's order
 * @param nextCursor the cursor after the page's items
 * @param caughtUp true when the API has nothing after the page for now, so the next request waits
 *     for the poll interval
 * @param rejectedAnswers errors for answers that were not a page (not JSON, no items array) and
 *     were retried before this page came
 */
public record Page(
        HttpResource resource,
        String cursor,
        List<JsonNode> items,
        String nextCursor,
        boolean caughtUp,
        List<ErrorRecord> rejectedAnswers) {

    public Page {
        items = List.copyOf(items);
        rejectedAnswers = List.copyOf(rejectedAnswers);
    }

    /** Where the page sits in the API, e.g. {@code /customers?cursor=abc}, for error records. */
    public String position() {
        return positionOf(resource, cursor);
    }

    static String positionOf(HttpResource resource, String cursor) {
        return cursor == null ? resource.path() : resource.path() + "@" + cursor;
    }
}
