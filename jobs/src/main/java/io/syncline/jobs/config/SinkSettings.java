package io.syncline.jobs.config;

/** Where changes and errors are delivered. */
public record SinkSettings(KafkaSinkSettings kafka, TargetSettings target) {}
