package io.syncline.operators.keys;

import java.io.Serializable;

/**
 * How to reach the key service: what the job ships to its subtasks, which open the service where
 * they run, so neither the KEK nor an unwrapped data key travels in the job graph.
 */
public sealed interface KeyServiceSettings extends Serializable
        permits Pkcs12Settings, AzureKeyVaultSettings {

    /** A new connection to the service. */
    KeyManagementService open();
}
