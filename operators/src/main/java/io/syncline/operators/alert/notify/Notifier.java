package io.syncline.operators.alert.notify;

import io.syncline.schema.Alert;

/** Sends alerts to one channel; the {@link NotifierSink} retries it when a failure may pass. */
public interface Notifier {

    /** The channel this notifier sends to. */
    Channel channel();

    /**
     * Sends {@code alert} once.
     *
     * @throws NotifierException when it was not delivered; {@link NotifierException#retryable()}
     *     says whether trying again may help
     */
    void send(Alert alert) throws NotifierException;
}
