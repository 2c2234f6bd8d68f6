package io.syncline.operators.http;

import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One resource of an HTTP source and its cursor: the position after the last item emitted, so a
 * checkpoint of the split is where a restored reader asks again.
 *
 * @param path the resource's path, also the split's id
 * @param cursor the cursor to read on from, null to start at the API's beginning
 */
public record HttpResourceSplit(String path, String cursor) implements SourceSplit {

    @Override
    public String splitId() {
        return path;
    }

    /** This split moved to {@code next}. */
    public HttpResourceSplit at(String next) {
        return new HttpResourceSplit(path, next);
    }
}
