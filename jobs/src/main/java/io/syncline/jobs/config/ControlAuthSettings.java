package io.syncline.jobs.config;

/**
 * Who may send control commands (placeholder: filled in by the signed-commands work).
 *
 * @param requireSigned whether unsigned commands are refused
 */
public record ControlAuthSettings(boolean requireSigned) {}
