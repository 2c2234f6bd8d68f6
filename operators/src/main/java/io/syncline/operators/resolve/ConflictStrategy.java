package io.syncline.operators.resolve;

import java.util.Arrays;
import java.util.Optional;

/** How an entity type's conflicts are decided; {@link #configName()} is its name in the config. */
public enum ConflictStrategy {
    /** The version with the later source commit time wins. */
    LAST_WRITER_WINS("last-writer-wins"),
    /** Vector clocks find concurrent versions; a {@link Fallback} decides them. */
    VECTOR_CLOCK("vector-clock"),
    /** A user's {@link ConflictResolver} decides. */
    CUSTOM("custom"),
    /** The conflict is parked until a person decides it. */
    MANUAL("manual");

    private final String configName;

    ConflictStrategy(String configName) {
        this.configName = configName;
    }

    /** The name used in the configuration and on resolutions. */
    public String configName() {
        return configName;
    }

    /** The strategy named {@code name} in the configuration. */
    public static Optional<ConflictStrategy> named(String name) {
        return Arrays.stream(values()).filter(s -> s.configName.equals(name)).findFirst();
    }

    /** How {@link #VECTOR_CLOCK} decides versions it proved concurrent. */
    public enum Fallback {
        /** Fields the incoming change changed are taken from it, the others kept. */
        FIELD_MERGE("field-merge"),
        /** The later source commit time wins. */
        LAST_WRITER_WINS("last-writer-wins"),
        /** Parked until a person decides. */
        MANUAL("manual");

        private final String configName;

        Fallback(String configName) {
            this.configName = configName;
        }

        /** The name used in the configuration and on resolutions. */
        public String configName() {
            return configName;
        }

        /** The fallback named {@code name} in the configuration. */
        public static Optional<Fallback> named(String name) {
            return Arrays.stream(values()).filter(s -> s.configName.equals(name)).findFirst();
        }
    }
}
