package io.syncline.jobs.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * One thing wrong with a configuration file, found while loading it or while checking that the
 * systems it names can be reached.
 *
 * @param path where in the file, e.g. {@code sources[0].tables[1].tenantColumn}; empty when the
 *     problem concerns the whole file (then the message starts with the line and column if known)
 * @param message what is wrong, with the bad value and how to fix it
 */
public record ConfigProblem(String path, String message) implements Serializable {

    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code <file>: <path>: <message>}, or {@code <file>: <message>} without a path. */
    public String format(Object file) {
        return path.isEmpty() ? file + ": " + message : file + ": " + path + ": " + message;
    }
}
