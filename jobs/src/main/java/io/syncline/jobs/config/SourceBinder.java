package io.syncline.jobs.config;

/** Binds the settings of one source type (the keys besides {@code id}, {@code type}). */
interface SourceBinder {

    /**
     * The source's settings, with every problem reported on its node; the binder must call {@link
     * ConfigNode#rejectUnknownKeys()} on {@code node} when done.
     */
    ChangeSourceConfig bind(ConfigNode node, SourceContext context);
}
