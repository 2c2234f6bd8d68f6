package io.syncline.operators.alert.notify;

import java.net.URI;
import java.net.URISyntaxException;

/** Checks of the endpoint URLs in the notifier settings, and how they are shown without secrets. */
final class Endpoints {

    private Endpoints() {}

    /** {@code url} as an http or https URI, or an exception that names {@code setting}. */
    static URI require(String setting, String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(setting + " is required");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(setting + " is not a URL: " + e.getMessage(), e);
        }
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    setting + " must be an http or https URL with a host, not " + redacted(uri));
        }
        return uri;
    }

    /**
     * Scheme, host and port only: webhook paths and query strings carry secrets (a Slack webhook is
     * its own credential), so logs and exceptions never show them.
     */
    static String redacted(URI uri) {
        if (uri.getScheme() == null || uri.getRawAuthority() == null) {
            return "<url>";
        }
        String authority = uri.getRawAuthority();
        int credentials = authority.lastIndexOf('@');
        return uri.getScheme() + "://" + authority.substring(credentials + 1) + "/…";
    }

    /** {@code url} shown without its path and credentials. */
    static String redacted(String url) {
        try {
            return redacted(new URI(url));
        } catch (URISyntaxException | NullPointerException e) {
            return "<url>";
        }
    }
}
