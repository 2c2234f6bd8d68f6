package io.syncline.operators.http;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One collection of a delta API, e.g. {@code /customers}, and how its items become entities: one
 * split of the HTTP source, read with a cursor of its own.
 *
 * @param path the resource's path below the base URL, starting with {@code /}
 * @param entityType entity type of its items
 * @param keyFields item fields forming the entity id, in key order, never empty
 * @param tenantField item field holding the tenant, or null when {@code constantTenant} is set
 * @param constantTenant tenant of every item, or null when {@code tenantField} is set
 */
public record HttpResource(
        String path,
        String entityType,
        List<String> keyFields,
        String tenantField,
        String constantTenant)
        implements Serializable {

    public HttpResource {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(entityType, "entityType");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("resource path must start with '/': " + path);
        }
        keyFields = List.copyOf(keyFields);
        if (keyFields.isEmpty()) {
            throw new IllegalArgumentException("key fields of " + path + " are empty");
        }
        if ((tenantField == null) == (constantTenant == null)) {
            throw new IllegalArgumentException(
                    "exactly one of tenantField and constantTenant must be set for " + path);
        }
    }

    /** The path without its leading {@code /}, as event ids name the resource. */
    public String name() {
        return path.substring(1);
    }
}
