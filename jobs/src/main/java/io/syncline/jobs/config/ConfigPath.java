package io.syncline.jobs.config;

/** Builds the paths that name a place in the configuration file, e.g. {@code sources[0].id}. */
final class ConfigPath {

    private ConfigPath() {}

    static String key(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
