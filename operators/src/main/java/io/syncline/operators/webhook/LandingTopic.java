package io.syncline.operators.webhook;

import java.util.List;

/** Where the receiver makes accepted changes durable before it acknowledges them. */
public interface LandingTopic extends AutoCloseable {

    /**
     * Writes {@code changes} in order and returns only once every one of them is durable.
     *
     * @throws LandingUnavailableException when one of them may not be; the sender must retry
     */
    void write(List<WebhookBody.Change> changes) throws LandingUnavailableException;

    @Override
    void close();

    /** The changes may not all be durable: the sender must send them again. */
    final class LandingUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        public LandingUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
