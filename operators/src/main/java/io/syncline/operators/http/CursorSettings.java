package io.syncline.operators.http;

import java.io.Serializable;
import java.util.Objects;

/**
 * How a resource's position is kept and passed to the API.
 *
 * <p>In {@link Mode#TOKEN} mode the cursor is opaque text the API hands out: read from the JSON
 * field at {@code nextPointer}, or with {@code nextPointer} null from the {@code cursorParam} of
 * the {@code Link: <...>; rel="next"} header's URL. In {@link Mode#TIMESTAMP} mode the cursor is
 * the latest {@code updatedAt} read so far, passed back as an inclusive lower bound; the items at
 * that instant are read again and dropped downstream by their event ids.
 *
 * @param mode token or timestamp
 * @param param the query parameter carrying the cursor, e.g. {@code cursor} or {@code since}
 * @param nextPointer JSON pointer of the next cursor in a page, e.g. {@code /next_cursor}; null
 *     reads it from the Link header (TOKEN mode only)
 * @param initial the cursor to start from, or null to start without one (the API's beginning)
 */
public record CursorSettings(Mode mode, String param, String nextPointer, String initial)
        implements Serializable {

    /** Where the next cursor comes from. */
    public enum Mode {
        TOKEN,
        TIMESTAMP
    }

    public CursorSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(param, "param");
    }

    /** Reads the next cursor from the Link header. */
    public boolean fromLinkHeader() {
        return mode == Mode.TOKEN && nextPointer == null;
    }
}
