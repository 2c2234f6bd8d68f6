package io.syncline.jobs.config;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration is invalid or names systems that cannot be used. Carries every problem found,
 * not just the first, so that one run tells the operator everything to fix.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    // Path is not Serializable; the message keeps the file name after deserialization.
    private final transient Path file;
    private final List<ConfigProblem> problems;

    /**
     * @param file the configuration file, named at the start of every line of the message
     * @param problems at least one problem
     */
    public ConfigException(Path file, List<ConfigProblem> problems) {
        super(format(file, problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("A ConfigException needs at least one problem");
        }
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    /** The configuration file the problems are in. */
    public Path file() {
        return file;
    }

    /** The problems, in the order they were found. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(Path file, List<ConfigProblem> problems) {
        return problems.stream().map(p -> p.format(file)).collect(Collectors.joining("\n"));
    }
}
