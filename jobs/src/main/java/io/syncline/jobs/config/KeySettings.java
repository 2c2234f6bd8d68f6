package io.syncline.jobs.config;

/**
 * Where field encryption's keys come from (placeholder: filled in by the key management work).
 *
 * @param service the key service wrapping the data keys
 */
public record KeySettings(String service) {}
