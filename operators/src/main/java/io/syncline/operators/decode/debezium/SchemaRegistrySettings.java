package io.syncline.operators.decode.debezium;

import io.syncline.operators.retry.RetryPolicy;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the schema registry of Avro Debezium topics is and how Syncline signs in to it (HTTP basic
 * authentication, as Confluent's {@code basic.auth.user.info}).
 *
 * @param url the registry's base URL, e.g. {@code https://registry.example.com:8081}
 * @param username the basic-auth user, or null for none
 * @param password the basic-auth password; never in {@link #toString()}
 * @param requestTimeout how long one request may take, connecting included
 * @param retry how failed requests (5xx, unreachable, timed out) are tried again
 */
public record SchemaRegistrySettings(
        String url, String username, String password, Duration requestTimeout, RetryPolicy retry)
        implements Serializable {

    /** Ten seconds per request. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** Five attempts, waiting about 0.5 s, 1 s, 2 s and 4 s in between. */
    public static final RetryPolicy DEFAULT_RETRY =
            new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(10), 2.0, 0.2);

    public SchemaRegistrySettings {
        Objects.requireNonNull(url, "url");
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (username != null && username.isEmpty()) {
            username = null;
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(retry, "retry");
    }

    /** A registry at {@code url} with the default timeout and retries. */
    public SchemaRegistrySettings(String url, String username, String password) {
        this(url, username, password, DEFAULT_REQUEST_TIMEOUT, DEFAULT_RETRY);
    }

    @Override
    public String toString() {
        return "SchemaRegistrySettings["
                + url
                + (username == null ? "" : ", user " + username)
                + ", timeout "
                + requestTimeout
                + ", "
                + retry.maxAttempts()
                + " attempts]";
    }
}
