package io.syncline.operators.http;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The wait a {@code Retry-After} header asks for: delay seconds or an HTTP date. */
final class RetryAfter {

    private RetryAfter() {}

    /** The wait, never negative; null when the header is absent or unreadable. */
    static Duration parse(HttpHeaders headers, Instant now) {
        return headers.firstValue("Retry-After").map(value -> parse(value, now)).orElse(null);
    }

    static Duration parse(String value, Instant now) {
        String text = value.strip();
        if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        try {
            Instant at =
                    ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
