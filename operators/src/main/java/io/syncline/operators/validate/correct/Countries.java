package io.syncline.operators.validate.correct;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the ISO 3166-1 alpha-2 code of a country given by its alpha-2 or alpha-3 code, its English
 * name or a common alias, in any case.
 */
final class Countries {

    private static final Map<String, String> ALIASES =
            Map.of(
                    "uk", "GB",
                    "u.k.", "GB",
                    "great britain", "GB",
                    "u.s.", "US",
                    "u.s.a.", "US",
                    "united states of america", "US",
                    "the netherlands", "NL",
                    "czech republic", "CZ");

    private static final Map<String, String> ALPHA2_BY_KEY = lookup();

    private Countries() {}

    /** The alpha-2 code of the country {@code text} names, or empty if it names none. */
    static Optional<String> alpha2(String text) {
        return Optional.ofNullable(ALPHA2_BY_KEY.get(key(text)));
    }

    private static Map<String, String> lookup() {
        Map<String, String> alpha2ByKey = new HashMap<>(ALIASES);
        Set<String> alpha3Codes = Locale.getISOCountries(Locale.IsoCountryCode.PART1_ALPHA3);
        for (String alpha2 : Locale.getISOCountries()) {
            Locale country = new Locale("", alpha2);
            alpha2ByKey.put(key(alpha2), alpha2);
            alpha2ByKey.put(key(country.getDisplayCountry(Locale.ENGLISH)), alpha2);
            String alpha3 = country.getISO3Country();
            if (alpha3Codes.contains(alpha3)) {
                alpha2ByKey.put(key(alpha3), alpha2);
            }
        }
        return Map.copyOf(alpha2ByKey);
    }

    private static String key(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
