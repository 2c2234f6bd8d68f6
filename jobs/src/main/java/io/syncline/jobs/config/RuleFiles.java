package io.syncline.jobs.config;

import io.syncline.operators.validate.RuleSetException;
import io.syncline.operators.validate.RuleSetParser;
import io.syncline.schema.RuleSetDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a rule file and the schema files it names (relative to it) into a self-contained {@link
 * RuleSetDocument}, and checks that it compiles, so that a broken rule set is refused before it is
 * put in force or published.
 */
public final class RuleFiles {

    private RuleFiles() {}

    /**
     * The rule set of {@code rulesFile}.
     *
     * @throws RuleSetException naming every problem, the file included
     */
    public static RuleSetDocument read(Path rulesFile) {
        String rules = text(rulesFile, "the rule file");
        Path directory = rulesFile.toAbsolutePath().getParent();
        Map<String, String> files = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String name : RuleSetParser.schemaFilesOf(rules)) {
            try {
                files.put(name, text(directory.resolve(name), "schema file '" + name + "'"));
            } catch (RuleSetException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleSetException(prefixed(rulesFile, problems));
        }
        RuleSetDocument document =
                RuleSetDocument.newBuilder().setVersion(0).setRules(rules).setFiles(files).build();
        try {
            document.setVersion(RuleSetParser.parse(document).version());
        } catch (RuleSetException e) {
            throw new RuleSetException(prefixed(rulesFile, e.problems()));
        }
        return document;
    }

    private static List<String> prefixed(Path file, List<String> problems) {
        return problems.stream().map(problem -> file + ": " + problem).toList();
    }

    private static String text(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RuleSetException(
                    List.of(
                            what
                                    + " "
                                    + file.toAbsolutePath().normalize()
                                    + " does not exist; check the path (relative paths are"
                                    + " resolved against the file that names them)"));
        } catch (IOException e) {
            throw new RuleSetException(
                    List.of(what + " " + file.toAbsolutePath() + " cannot be read: " + e));
        }
    }
}
