package io.syncline.jobs.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in a value with environment variables, as a
 * shell does: the default applies when the variable is unset or empty. {@code $${} stands for a
 * literal {@code ${}.
 */
final class EnvironmentSubstitution {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The value with its placeholders replaced, and what could not be replaced. */
    record Result(String value, List<String> problems) {}

    private EnvironmentSubstitution() {}

    static Result substitute(String text, Function<String, String> environment) {
        if (!text.contains("${")) {
            return new Result(text, List.of());
        }
        StringBuilder out = new StringBuilder(text.length());
        List<String> problems = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
                continue;
            }
            if (!text.startsWith("${", i)) {
                out.append(text.charAt(i++));
                continue;
            }
            int close = text.indexOf('}', i + 2);
            if (close < 0) {
                problems.add(
                        "'"
                                + text.substring(i)
                                + "' has no closing '}'; write ${NAME} or ${NAME:-default}"
                                + " (or $${ for a literal ${)");
                out.append(text, i, text.length());
                break;
            }
            String body = text.substring(i + 2, close);
            int separator = body.indexOf(":-");
            String name = separator < 0 ? body : body.substring(0, separator);
            String defaultValue = separator < 0 ? null : body.substring(separator + 2);
            i = close + 1;
            if (!NAME.matcher(name).matches()) {
                problems.add(
                        "'${"
                                + body
                                + "}' is not a valid placeholder: the variable name must be"
                                + " letters, digits and underscores; write ${NAME} or"
                                + " ${NAME:-default}");
                continue;
            }
            String value = environment.apply(name);
            if ((value == null || value.isEmpty()) && defaultValue != null) {
                value = defaultValue;
            }
            if (value == null) {
                problems.add(
                        "environment variable "
                                + name
                                + " is not set (used as ${"
                                + name
                                + "}); set it, or give a default: ${"
                                + name
                                + ":-value}");
                continue;
            }
            out.append(value);
        }
        return new Result(out.toString(), List.copyOf(problems));
    }
}
