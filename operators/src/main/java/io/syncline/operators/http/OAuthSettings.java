package io.syncline.operators.http;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * OAuth 2.0 client credentials of an HTTP source.
 *
 * @param tokenUrl the token endpoint, POSTed {@code grant_type=client_credentials}
 * @param clientId the client id
 * @param clientSecret the client secret
 * @param scope scopes to ask for, space separated, or null
 * @param basicAuth true to send id and secret as HTTP basic authentication, false to send them in
 *     the form
 * @param refreshMargin how long before it expires a token is replaced
 */
public record OAuthSettings(
        String tokenUrl,
        String clientId,
        String clientSecret,
        String scope,
        boolean basicAuth,
        Duration refreshMargin)
        implements Serializable {

    public OAuthSettings {
        Objects.requireNonNull(tokenUrl, "tokenUrl");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(refreshMargin, "refreshMargin");
    }

    @Override
    public String toString() {
        // Never print the secret.
        return "OAuthSettings[tokenUrl=" + tokenUrl + ", clientId=" + clientId + "]";
    }
}
