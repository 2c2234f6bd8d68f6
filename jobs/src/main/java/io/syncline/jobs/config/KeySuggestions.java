package io.syncline.jobs.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the known key an unknown one was probably meant to be, to suggest it in the message. */
final class KeySuggestions {

    private KeySuggestions() {}

    /**
     * The known key closest to {@code unknown} when it is close enough to be a typo: the same apart
     * from case, underscores and dashes, a prefix ({@code host} for {@code hostname}), or a few
     * edits away, fewer for short keys.
     */
    static Optional<String> closest(String unknown, Collection<String> known) {
        String typed = normalize(unknown);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            String normalized = normalize(candidate);
            int distance = distance(typed, normalized);
            boolean prefix =
                    Math.min(typed.length(), normalized.length()) >= 4
                            && (normalized.startsWith(typed) || typed.startsWith(normalized));
            int allowed = Math.max(1, Math.min(3, normalized.length() / 4));
            if ((distance <= allowed || prefix) && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /**
     * Edit distance counting a swap of two neighbouring letters as one edit (optimal alignment).
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] =
                        Math.min(
                                Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1
                        && j > 1
                        && a.charAt(i - 1) == b.charAt(j - 2)
                        && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
