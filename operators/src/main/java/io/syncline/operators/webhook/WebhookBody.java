package io.syncline.operators.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a request body into the changes it carries, one landing record each, keyed by the change's
 * event id: a JSON object is one change, an array a batch. Checks only what the receiver must
 * answer 400 for (not JSON, not objects, no event id); whether a change fits the configuration is
 * decided in the job, where a misfit goes to the error queue.
 */
public final class WebhookBody {

    /** The header carrying the sender's event id of a request. */
    public static final String EVENT_ID_HEADER = "X-Syncline-Event-Id";

    /** The body field carrying a change's event id; it wins over the header. */
    public static final String EVENT_ID_FIELD = "eventId";

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /** One change as it is written to the landing topic. */
    public record Change(String eventId, byte[] json) {}

    /** The body cannot be accepted; {@code reason} says why and what to send instead. */
    public static final class MalformedBodyException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedBodyException(String reason) {
            super(reason);
        }
    }

    private WebhookBody() {}

    /**
     * The changes in {@code body}, in the order sent.
     *
     * @param headerEventId the {@value #EVENT_ID_HEADER} header, or null: the event id of a single
     *     change without one of its own, and for a batch the prefix of {@code <id>/<index>}
     */
    public static List<Change> split(String headerEventId, byte[] body)
            throws MalformedBodyException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            String reason =
                    e instanceof JsonProcessingException json ? json.getOriginalMessage() : "";
            throw new MalformedBodyException("the body is not JSON: " + reason);
        }
        String header = headerEventId == null || headerEventId.isBlank() ? null : headerEventId;
        if (root != null && root.isObject()) {
            return List.of(change(root, header, "the change"));
        }
        if (root == null || !root.isArray()) {
            throw new MalformedBodyException(
                    "the body must be a JSON object (one change) or an array of them (a batch)");
        }
        if (root.isEmpty()) {
            throw new MalformedBodyException("the batch is empty; send at least one change");
        }
        List<Change> changes = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            JsonNode element = root.get(i);
            String where = "change " + i + " of the batch";
            if (!element.isObject()) {
                throw new MalformedBodyException(where + " is not a JSON object");
            }
            changes.add(change(element, header == null ? null : header + "/" + i, where));
        }
        return changes;
    }

    private static Change change(JsonNode change, String fallbackId, String where)
            throws MalformedBodyException {
        JsonNode field = change.get(EVENT_ID_FIELD);
        String eventId;
        if (field == null || field.isNull()) {
            eventId = fallbackId;
        } else if (field.isTextual() || field.isIntegralNumber()) {
            eventId = field.asText();
        } else {
            throw new MalformedBodyException(
                    where + ": '" + EVENT_ID_FIELD + "' must be a string or a whole number");
        }
        if (eventId == null || eventId.isBlank()) {
            throw new MalformedBodyException(
                    where
                            + " has no event id; set '"
                            + EVENT_ID_FIELD
                            + "' or the "
                            + EVENT_ID_HEADER
                            + " header, and keep it the same on every retry so the retry is"
                            + " recognised as one");
        }
        try {
            return new Change(eventId, JSON.writeValueAsBytes(change));
        } catch (JsonProcessingException e) {
            // A tree that was just read always writes.
            throw new IllegalStateException(e);
        }
    }
}
