package io.syncline.operators.jdbc;

import java.util.Objects;

/**
 * A row a table refused for good, and why.
 *
 * @param row the row as the sink was given it
 * @param rejection the database's reason
 */
public record RejectedRow<T>(T row, Rejection rejection) {

    public RejectedRow {
        Objects.requireNonNull(row, "row");
        Objects.requireNonNull(rejection, "rejection");
    }
}
