package io.syncline.operators.alert.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.schema.Alert;
import java.util.List;

/**
 * An alert as a text message for the SMS gateway, {@code {"to": [...], "message": "..."}}, at most
 * {@value #MAX_LENGTH} characters of plain ASCII punctuation so that it fits one message.
 */
public final class SmsMessage {

    /** The length of one text message. */
    public static final int MAX_LENGTH = 160;

    private SmsMessage() {}

    /** The gateway's JSON body for {@code alert}, to the numbers {@code to}. */
    public static String json(Alert alert, List<String> to) {
        ObjectNode message = JsonText.NODES.objectNode();
        ArrayNode numbers = message.putArray("to");
        to.forEach(numbers::add);
        message.put("message", text(alert));
        return JsonText.write(message);
    }

    /**
     * {@code Syncline LABEL: message}, cut to {@value #MAX_LENGTH} characters. Dashes and ellipses
     * are written in ASCII: one character outside the GSM alphabet would make the message a
     * 70-character one and split it.
     */
    public static String text(Alert alert) {
        String text =
                ("Syncline " + AlertHeadline.label(alert) + ": " + alert.getMessage())
                        .replace('–', '-')
                        .replace('—', '-')
                        .replace("…", "...");
        if (text.length() <= MAX_LENGTH) {
            return text;
        }
        return text.substring(0, MAX_LENGTH - 3) + "...";
    }
}
