package io.syncline.operators.protect;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every entity type's field classification from the configuration ({@code security.entities}).
 * Fields nobody classified are {@code internal} and not encrypted.
 */
public record Classification(Map<String, EntityProtection> entities) implements Serializable {

    /** No field classified: everything is internal. */
    public static final Classification NONE = new Classification(Map.of());

    public Classification {
        entities = Map.copyOf(entities);
    }

    /** {@code entityType}'s protection; an empty one for an entity type nobody classified. */
    public EntityProtection of(String entityType) {
        EntityProtection protection = entityType == null ? null : entities.get(entityType);
        return protection != null ? protection : new EntityProtection(Map.of(), null, false);
    }

    /** The protection of {@code entityType}'s {@code field}. */
    public FieldProtection of(String entityType, String field) {
        return of(entityType).of(field);
    }

    /** Whether any field of any entity type is encrypted. */
    public boolean encryptsAny() {
        return entities.values().stream().anyMatch(e -> !e.encrypted().isEmpty());
    }

    /**
     * Every masked field name of any entity type: what to mask in text whose entity type is not
     * known (e.g. an undecodable source record).
     */
    public Set<String> maskedAnywhere() {
        Set<String> masked = new TreeSet<>();
        entities.values().forEach(e -> masked.addAll(e.masked()));
        return masked;
    }
}
