package io.syncline.jobs.config;

import io.syncline.operators.keys.AzureKeyVaultSettings;
import io.syncline.operators.keys.KeyServiceSettings;
import io.syncline.operators.keys.Pkcs12Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where field encryption's keys come from ({@code security.keys}): the key service whose
 * key-encryption key wraps the tenants' data keys, and the key table holding them, wrapped.
 *
 * @param service {@value #PKCS12} or {@value #AZURE_KEY_VAULT}
 * @param keyStore the PKCS12 keystore, resolved against the configuration file's directory; {@code
 *     null} with Azure Key Vault
 * @param password the keystore's password; {@code null} with Azure Key Vault; never in {@link
 *     #toString()}
 * @param table the key table in the target database, {@code [schema.]name}; in {@code
 *     sinks.target.schema} unless qualified
 * @param refresh how long a subtask encrypts with a tenant's key version before it looks for a
 *     newer one (a rotation also reaches it at once through the control topic)
 * @param azure the vault, key and client credentials; {@code null} with PKCS12
 */
public record KeySettings(
        String service,
        Path keyStore,
        String password,
        String table,
        Duration refresh,
        AzureKeyVaultSettings azure) {

    /** A local PKCS12 keystore file, created by {@code syncline keys init}. */
    public static final String PKCS12 = "pkcs12";

    /** An RSA key in Azure Key Vault. */
    public static final String AZURE_KEY_VAULT = "azure-key-vault";

    public KeySettings {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(refresh, "refresh");
    }

    /** The key service, as the job's subtasks and the CLI open it. */
    public KeyServiceSettings keyService() {
        return AZURE_KEY_VAULT.equals(service) ? azure : new Pkcs12Settings(keyStore, password);
    }

    @Override
    public String toString() {
        // Never the password or the client secret.
        return "KeySettings["
                + service
                + ", "
                + (AZURE_KEY_VAULT.equals(service) ? azure : keyStore)
                + ", table "
                + table
                + ", refresh "
                + refresh
                + "]";
    }
}
