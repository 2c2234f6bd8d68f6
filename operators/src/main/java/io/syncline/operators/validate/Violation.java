package io.syncline.operators.validate;

/**
 * One schema or rule violation of a change.
 *
 * @param field the field at fault; {@code null} if the change as a whole is at fault
 * @param code stable code from {@link ValidationCodes}
 * @param description what is wrong, without the value, e.g. "must be at most 150"
 * @param value the offending value as text, {@code null} if absent; shown masked for confidential
 *     fields
 */
public record Violation(String field, String code, String description, String value) {}
