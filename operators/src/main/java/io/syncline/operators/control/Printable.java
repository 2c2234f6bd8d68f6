package io.syncline.operators.control;

/**
 * Text from a control record made safe to quote in logs and error messages: whoever wrote the
 * record chose it, so line breaks and other control characters (which could forge log lines) are
 * replaced and long text is cut.
 */
final class Printable {

    private Printable() {}

    /** {@code text} with control characters as '?', cut to {@code max} characters; "-" for null. */
    static String of(String text, int max) {
        if (text == null) {
            return "-";
        }
        StringBuilder printable = new StringBuilder(Math.min(text.length(), max + 3));
        for (int i = 0; i < text.length() && printable.length() < max; i++) {
            char c = text.charAt(i);
            printable.append(Character.isISOControl(c) ? '?' : c);
        }
        if (text.length() > max) {
            printable.append("...");
        }
        return printable.toString();
    }
}
