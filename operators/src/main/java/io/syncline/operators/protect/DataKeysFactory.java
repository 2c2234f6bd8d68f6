package io.syncline.operators.protect;

import java.io.Serializable;

/**
 * Opens {@link DataKeys} where they are used: the protect stage ships this to its subtasks and
 * opens the keys in {@code open()}, so key material never travels in the job graph.
 */
@FunctionalInterface
public interface DataKeysFactory extends Serializable {

    DataKeys open();
}
