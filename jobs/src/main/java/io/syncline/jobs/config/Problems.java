package io.syncline.jobs.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects problems so that all of them are reported at once. Only the first problem at a path is
 * kept: a value that is already wrong (an unset variable, a bad duration) must not also be reported
 * by each later check that reads it.
 */
final class Problems {

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Set<String> paths = new HashSet<>();

    void add(String path, String message) {
        if (paths.add(path) || path.isEmpty()) {
            problems.add(new ConfigProblem(path, message));
        }
    }

    void addAll(List<ConfigProblem> more) {
        more.forEach(p -> add(p.path(), p.message()));
    }

    /** Whether a problem was found at this path, so checks that combine values can skip it. */
    boolean has(String path) {
        return paths.contains(path);
    }

    void throwIfAny(Path file) {
        if (!problems.isEmpty()) {
            throw new ConfigException(file, problems);
        }
    }
}
