package io.syncline.operators.decode;

import java.util.List;

/** A one-dimensional array column as a JSON array: numbers and booleans bare, the rest strings. */
public final class JsonArrays {

    private JsonArrays() {}

    /** The JSON text of {@code list}. */
    public static String of(List<?> list) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            Object element = list.get(i);
            if (element == null || element instanceof Number || element instanceof Boolean) {
                json.append(element);
            } else {
                json.append('"').append(escape(element.toString())).append('"');
            }
        }
        return json.append(']').toString();
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> escaped.append("\\\"");
                case '\\' -> escaped.append("\\\\");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (c < 0x20) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
