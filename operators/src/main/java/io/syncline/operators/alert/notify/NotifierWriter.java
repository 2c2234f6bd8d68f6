package io.syncline.operators.alert.notify;

import io.syncline.schema.Alert;
import org.apache.flink.api.connector.sink2.SinkWriter;

/** The {@link NotifierSink}'s writer: hands each alert to a {@link NotificationDispatcher}. */
final class NotifierWriter implements SinkWriter<Alert> {

    private final NotificationDispatcher dispatcher;

    NotifierWriter(NotificationDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void write(Alert alert, Context context) {
        dispatcher.dispatch(alert);
    }

    /**
     * Waits for nothing: notifications are best effort and the alerts topic holds every alert, so a
     * checkpoint must not wait for a slow channel.
     */
    @Override
    public void flush(boolean endOfInput) {}

    @Override
    public void close() {
        dispatcher.close();
    }
}
