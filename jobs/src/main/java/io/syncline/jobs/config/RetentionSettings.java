package io.syncline.jobs.config;

/**
 * How long Syncline keeps what it writes (placeholder: filled in by the retention work).
 *
 * @param applied whether retention is applied
 */
public record RetentionSettings(boolean applied) {}
