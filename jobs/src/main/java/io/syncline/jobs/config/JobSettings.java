package io.syncline.jobs.config;

/**
 * Job-wide settings.
 *
 * @param name the Flink job name, also the default prefix of Kafka transactional ids
 * @param parallelism default parallelism of the job's operators
 */
public record JobSettings(String name, int parallelism) {}
