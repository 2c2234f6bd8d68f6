package io.syncline.operators.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a body becomes landing records, and what the receiver answers 400 for. */
class WebhookBodyTest {

    @Test
    void aSingleChangeTakesTheEventIdOfItsField() throws Exception {
        List<WebhookBody.Change> changes =
                WebhookBody.split("from-header", bytes("{\"eventId\":\"e1\",\"op\":\"upsert\"}"));

        assertThat(changes).extracting(WebhookBody.Change::eventId).containsExactly("e1");
        assertThat(text(changes.get(0))).isEqualTo("{\"eventId\":\"e1\",\"op\":\"upsert\"}");
    }

    @Test
    void aSingleChangeWithoutAFieldTakesTheHeader() throws Exception {
        assertThat(WebhookBody.split("h-7", bytes("{\"op\":\"upsert\"}")))
                .extracting(WebhookBody.Change::eventId)
                .containsExactly("h-7");
    }

    @Test
    void aNumericEventIdIsItsText() throws Exception {
        assertThat(WebhookBody.split(null, bytes("{\"eventId\":42}")))
                .extracting(WebhookBody.Change::eventId)
                .containsExactly("42");
    }

    @Test
    void aBatchKeepsItsOrderAndNumbersChangesWithoutIdsAfterTheHeader() throws Exception {
        List<WebhookBody.Change> changes =
                WebhookBody.split("batch-1", bytes("[{\"eventId\":\"a\"},{\"op\":\"delete\"},{}]"));

        assertThat(changes)
                .extracting(WebhookBody.Change::eventId)
                .containsExactly("a", "batch-1/1", "batch-1/2");
        assertThat(text(changes.get(1))).isEqualTo("{\"op\":\"delete\"}");
    }

    @Test
    void refusesWhatIsNotJson() {
        assertThatThrownBy(() -> WebhookBody.split("e", bytes("{\"eventId\":")))
                .isInstanceOf(WebhookBody.MalformedBodyException.class)
                .hasMessageStartingWith("the body is not JSON: ");
    }

    @Test
    void refusesJsonThatIsNotAChange() {
        assertThatThrownBy(() -> WebhookBody.split("e", bytes("\"text\"")))
                .isInstanceOf(WebhookBody.MalformedBodyException.class)
                .hasMessage(
                        "the body must be a JSON object (one change) or an array of them (a"
                                + " batch)");
        assertThatThrownBy(() -> WebhookBody.split("e", bytes("[{},1]")))
                .isInstanceOf(WebhookBody.MalformedBodyException.class)
                .hasMessage("change 1 of the batch is not a JSON object");
        assertThatThrownBy(() -> WebhookBody.split("e", bytes("[]")))
                .isInstanceOf(WebhookBody.MalformedBodyException.class)
                .hasMessage("the batch is empty; send at least one change");
    }

    @Test
    void refusesAChangeWithoutAnEventId() {
        assertThatThrownBy(() -> WebhookBody.split(null, bytes("{\"op\":\"upsert\"}")))
                .isInstanceOf(WebhookBody.MalformedBodyException.class)
                .hasMessage(
                        "the change has no event id; set 'eventId' or the X-Syncline-Event-Id"
                                + " header, and keep it the same on every retry so the retry is"
                                + " recognised as one");
        assertThatThrownBy(() -> WebhookBody.split(" ", bytes("[{\"eventId\":\"a\"},{}]")))
                .isInstanceOf(WebhookBody.MalformedBodyException.class)
                .hasMessageStartingWith("change 1 of the batch has no event id");
        assertThatThrownBy(() -> WebhookBody.split(null, bytes("{\"eventId\":{\"a\":1}}")))
                .isInstanceOf(WebhookBody.MalformedBodyException.class)
                .hasMessage("the change: 'eventId' must be a string or a whole number");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(WebhookBody.Change change) {
        return new String(change.json(), StandardCharsets.UTF_8);
    }
}
