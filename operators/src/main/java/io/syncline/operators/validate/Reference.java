package io.syncline.operators.validate;

/**
 * Referential integrity: {@code field} of a child holds the id of an {@code entityType} parent that
 * must exist for the same tenant.
 *
 * @param onParentDelete what deleting a parent that still has such children does
 */
public record Reference(String field, String entityType, ParentDeletePolicy onParentDelete) {

    /** What deleting a parent that still has children does. */
    public enum ParentDeletePolicy {
        /** The delete is applied and an error is raised for review. */
        FLAG,
        /** The delete goes to the error queue instead of the target. */
        REJECT,
        /** The delete is applied silently. */
        ALLOW
    }
}
