package io.syncline.operators.validate.correct;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Rewrites phone numbers to E.164 ({@code +} and 8 to 15 digits). A national number gets the
 * calling code of the default region, without its trunk prefix.
 */
final class PhoneNumbers {

    /** White space, dots, dashes, slashes and parentheses between groups of digits. */
    private static final Pattern SEPARATORS = Pattern.compile("[\\s.\\-/()]");

    private static final int MIN_DIGITS = 8;
    private static final int MAX_DIGITS = 15;

    /** The North American Numbering Plan: trunk prefix 1, ten-digit national numbers. */
    private static final String NANP = "1";

    private static final int NANP_NATIONAL_DIGITS = 10;

    /** Regions whose leading 0 is part of the number, not a trunk prefix. */
    private static final Set<String> ZERO_KEPT = Set.of("IT");

    private static final Map<String, String> CALLING_CODES =
            Map.ofEntries(
                    Map.entry("US", NANP),
                    Map.entry("CA", NANP),
                    Map.entry("GB", "44"),
                    Map.entry("DE", "49"),
                    Map.entry("FR", "33"),
                    Map.entry("NL", "31"),
                    Map.entry("ES", "34"),
                    Map.entry("IT", "39"),
                    Map.entry("CH", "41"),
                    Map.entry("AT", "43"),
                    Map.entry("BE", "32"),
                    Map.entry("LU", "352"),
                    Map.entry("SE", "46"),
                    Map.entry("NO", "47"),
                    Map.entry("DK", "45"),
                    Map.entry("FI", "358"),
                    Map.entry("IE", "353"),
                    Map.entry("PL", "48"),
                    Map.entry("CZ", "420"),
                    Map.entry("PT", "351"),
                    Map.entry("GR", "30"),
                    Map.entry("AU", "61"),
                    Map.entry("NZ", "64"),
                    Map.entry("IN", "91"),
                    Map.entry("JP", "81"),
                    Map.entry("KR", "82"),
                    Map.entry("CN", "86"),
                    Map.entry("SG", "65"),
                    Map.entry("IL", "972"),
                    Map.entry("BR", "55"),
                    Map.entry("MX", "52"),
                    Map.entry("ZA", "27"));

    private final String region;
    private final String callingCode;

    /**
     * @param region the ISO 3166-1 alpha-2 region of national numbers, any case; {@code null} to
     *     leave national numbers as they are
     * @throws IllegalArgumentException if the region's calling code is not known
     */
    PhoneNumbers(String region) {
        this.region = region == null ? null : region.toUpperCase(Locale.ROOT);
        this.callingCode = this.region == null ? null : CALLING_CODES.get(this.region);
        if (this.region != null && callingCode == null) {
            throw new IllegalArgumentException(
                    "default region '"
                            + region
                            + "' has no known calling code; use one of "
                            + new TreeSet<>(CALLING_CODES.keySet())
                            + " or leave it unset");
        }
    }

    /** {@code text} in E.164, or empty if it is not a phone number this class can place. */
    Optional<String> e164(String text) {
        boolean international = text.startsWith("+") || text.startsWith("00");
        // "+44 (0)20 ..." marks the trunk prefix that is dialled only nationally.
        String compact =
                SEPARATORS.matcher(international ? text.replace("(0)", "") : text).replaceAll("");
        String digits;
        if (compact.startsWith("+")) {
            digits = compact.substring(1);
        } else if (compact.startsWith("00")) {
            digits = compact.substring(2);
        } else if (callingCode == null) {
            return Optional.empty();
        } else {
            digits = withCallingCode(compact);
        }
        if (digits == null
                || digits.length() < MIN_DIGITS
                || digits.length() > MAX_DIGITS
                || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                || digits.charAt(0) == '0') {
            return Optional.empty();
        }
        return Optional.of("+" + digits);
    }

    private String withCallingCode(String national) {
        if (callingCode.equals(NANP)) {
            if (national.length() == NANP_NATIONAL_DIGITS) {
                return NANP + national;
            }
            boolean withTrunkPrefix =
                    national.length() == NANP_NATIONAL_DIGITS + 1 && national.startsWith(NANP);
            return withTrunkPrefix ? national : null;
        }
        if (national.startsWith("0") && !ZERO_KEPT.contains(region)) {
            return callingCode + national.substring(1);
        }
        return callingCode + national;
    }
}
