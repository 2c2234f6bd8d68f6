package io.syncline.operators.http;

import java.io.IOException;

/**
 * The API could not be read: its answers stayed failures after every retry, or it refused the
 * source's credentials or requests for good. Thrown so that Flink's restart strategy takes over;
 * the message names the resource and the setting to check.
 */
public final class HttpSourceException extends IOException {

    private static final long serialVersionUID = 1L;

    public HttpSourceException(String message) {
        super(message);
    }

    public HttpSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
